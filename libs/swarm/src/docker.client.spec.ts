import { createServer, Server, Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@app/common';
import { DockerClient } from './docker.client';

/** A "daemon" on a unix socket that accepts connections and never answers, as a stopped dockerd does. */
function hungDaemon(): Promise<{ socketPath: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'hung-'));
  const socketPath = join(dir, 'docker.sock');
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  return new Promise((resolve) =>
    server.listen(socketPath, () =>
      resolve({
        socketPath,
        close: () => {
          sockets.forEach((s) => s.destroy());
          server.close();
          rmSync(dir, { recursive: true, force: true });
        },
      }),
    ),
  );
}

describe('DockerClient', () => {
  it('answers UNAVAILABLE within the bound when the daemon accepts but never answers', async () => {
    const daemon = await hungDaemon();
    try {
      const client = new DockerClient({ connection: { kind: 'unix', socketPath: daemon.socketPath }, timeoutMs: 300 });
      const started = Date.now();
      const err = await client.run('nodes', (d) => d.listNodes()).catch((e) => e);
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(DomainError);
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toBe(`Docker at unix://${daemon.socketPath} did not answer within 300 ms (nodes)`);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1000);
      expect(client.callCount).toBe(1);
    } finally {
      daemon.close();
    }
  });

  it('says the daemon is unreachable, at once, when nothing listens', async () => {
    const client = new DockerClient({ connection: { kind: 'unix', socketPath: '/nonexistent/docker.sock' }, timeoutMs: 5000 });
    const started = Date.now();
    const err = await client.run('nodes', (d) => d.listNodes()).catch((e) => e);
    expect([err.code, err.message]).toEqual(['UNAVAILABLE', 'Docker is unreachable at unix:///nonexistent/docker.sock: ENOENT']);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
