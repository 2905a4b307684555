import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerConnection } from './docker-connection';

/** A dockerode client for a parsed DOCKER_HOST; `timeoutMs` bounds every call. */
export function createDockerode(connection: DockerConnection, timeoutMs: number): Docker {
  switch (connection.kind) {
    case 'unix':
      return new Docker({ socketPath: connection.socketPath, timeout: timeoutMs });
    case 'tcp':
      if (!connection.tls) return new Docker({ host: connection.host, port: connection.port, protocol: 'http', timeout: timeoutMs });
      return new Docker({
        host: connection.host,
        port: connection.port,
        protocol: 'https',
        ca: readFileSync(join(connection.certPath, 'ca.pem')),
        cert: readFileSync(join(connection.certPath, 'cert.pem')),
        key: readFileSync(join(connection.certPath, 'key.pem')),
        timeout: timeoutMs,
      });
    case 'ssh':
      // docker-modem runs `docker system dial-stdio` over ssh2, as the CLI does
      return new Docker({
        protocol: 'ssh',
        host: connection.host,
        port: connection.port,
        username: connection.username,
        timeout: timeoutMs,
      } as Docker.DockerOptions);
  }
}
