import { parseDockerHost } from './docker-connection';

describe('parseDockerHost', () => {
  it('defaults to the local socket as the docker CLI does', () => {
    expect(parseDockerHost(undefined)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('')).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
  });

  it('reads a unix socket path', () => {
    expect(parseDockerHost('unix:///tmp/x/docker.sock')).toEqual({ kind: 'unix', socketPath: '/tmp/x/docker.sock' });
  });

  it('uses 2375 for plain tcp and 2376 with DOCKER_TLS_VERIFY', () => {
    expect(parseDockerHost('tcp://10.0.0.5')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false });
    expect(parseDockerHost('tcp://mini2', '1', '/certs')).toEqual({
      kind: 'tcp',
      host: 'mini2',
      port: 2376,
      tls: true,
      certPath: '/certs',
    });
    expect(parseDockerHost('tcp://mini2:1234', '')).toMatchObject({ port: 1234, tls: false });
  });

  it('reads ssh with user and port', () => {
    expect(parseDockerHost('ssh://ops@mini2:2222')).toEqual({ kind: 'ssh', host: 'mini2', port: 2222, username: 'ops' });
    expect(parseDockerHost('ssh://mini2')).toEqual({ kind: 'ssh', host: 'mini2', port: 22, username: undefined });
  });

  it('rejects what the CLI would reject, saying why', () => {
    expect(() => parseDockerHost('ftp://x')).toThrow(/unsupported scheme "ftp:\/\/"/);
    expect(() => parseDockerHost('mini2:2375')).toThrow(/not a Docker host/);
    expect(() => parseDockerHost('tcp://host:99999')).toThrow(/port must be 1-65535/);
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(/absolute/);
  });
});
