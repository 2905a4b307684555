import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the Docker Engine is, read from DOCKER_HOST, DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH exactly as the docker CLI reads them: unix:// (default
 * /var/run/docker.sock), tcp:// (TLS when DOCKER_TLS_VERIFY is set, with
 * ca.pem/cert.pem/key.pem from DOCKER_CERT_PATH or ~/.docker), ssh://[user@]host[:port].
 */
export type DockerConnection =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls: false }
  | { kind: 'tcp'; host: string; port: number; tls: true; certPath: string }
  | { kind: 'ssh'; host: string; port: number; username?: string };

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** Parses a DOCKER_HOST value; throws an Error whose message says what is wrong. */
export function parseDockerHost(value: string | undefined, tlsVerify?: string, certPath?: string): DockerConnection {
  const raw = value && value.trim() !== '' ? value.trim() : DEFAULT_DOCKER_HOST;
  const match = /^([a-z]+):\/\/(.*)$/.exec(raw);
  if (!match) throw new Error(`"${raw}" is not a Docker host: expected unix://, tcp:// or ssh://`);
  const [, scheme, rest] = match;
  switch (scheme) {
    case 'unix': {
      const socketPath = rest === '' ? '/var/run/docker.sock' : rest;
      if (!socketPath.startsWith('/')) throw new Error(`"${raw}": a unix socket path must be absolute`);
      return { kind: 'unix', socketPath };
    }
    case 'tcp': {
      const { host, port } = hostAndPort(raw, rest, undefined);
      // the CLI turns TLS on for any non-empty DOCKER_TLS_VERIFY; 2376 is its TLS port
      const tls = tlsVerify !== undefined && tlsVerify !== '';
      const portOrDefault = port ?? (tls ? 2376 : 2375);
      return tls
        ? { kind: 'tcp', host, port: portOrDefault, tls, certPath: certPath || join(homedir(), '.docker') }
        : { kind: 'tcp', host, port: portOrDefault, tls };
    }
    case 'ssh': {
      const at = rest.lastIndexOf('@');
      const username = at >= 0 ? decodeURIComponent(rest.slice(0, at)) : undefined;
      const { host, port } = hostAndPort(raw, at >= 0 ? rest.slice(at + 1) : rest, 22);
      return { kind: 'ssh', host, port: port ?? 22, username };
    }
    default:
      throw new Error(`"${raw}": unsupported scheme "${scheme}://" (use unix://, tcp:// or ssh://)`);
  }
}

function hostAndPort(raw: string, rest: string, fallback: number | undefined): { host: string; port?: number } {
  const hostPart = rest.replace(/\/.*$/, '');
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPart);
  if (!m || m[1] === '') throw new Error(`"${raw}": missing host`);
  const port = m[2] === undefined ? fallback : Number(m[2]);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new Error(`"${raw}": port must be 1-65535`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}
