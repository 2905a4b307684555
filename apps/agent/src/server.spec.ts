import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeEngine, NodeFacts, NodeStatsCollector } from '@app/swarm';
import { DomainError } from '@app/common';
import { AgentConfigError, agentConfig, readAgentSecret } from './agent-config';
import { bearerMatches } from './agent-auth';
import { buildAgentServer } from './server';

const SECRET = 'a-secret-of-sixteen-plus-chars';

function server(warn = jest.fn()) {
  const facts = { taskLogs: jest.fn().mockRejectedValue(new DomainError('NOT_FOUND', 'task abc has no container on this node')) };
  const stats = { sample: () => [{ containerId: 'c1', cpuPercent: 50 }], streamsOpen: 1, streamsOpened: 1 };
  const log = {
    warn,
    info: jest.fn(),
    error: jest.fn(),
    debug: jest.fn(),
    trace: jest.fn(),
    fatal: jest.fn(),
    level: 'info',
    silent: jest.fn(),
  };
  const logger = { ...log, child: () => logger };
  return buildAgentServer({
    secret: SECRET,
    logger: logger as never,
    engine: {} as NodeEngine,
    stats: stats as unknown as NodeStatsCollector,
    facts: facts as unknown as NodeFacts,
    identity: async () => ({ nodeId: 'n1', hostname: 'rog1', cpus: 2, memoryBytes: 1, engineVersion: '20', dataRoot: '/d' }),
    gpu: async () => ({ available: false, reason: 'nvidia-smi is not present on this node' }),
  });
}

describe('the agent server', () => {
  it('refuses a request without the secret or with a wrong one, and logs the address and path', async () => {
    const warn = jest.fn();
    const app = server(warn);
    const none = await app.inject({ url: '/v1/usage?x=1' });
    expect(none.statusCode).toBe(401);
    const wrong = await app.inject({ url: '/v1/usage', headers: { authorization: 'Bearer not-the-secret-at-all' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ message: 'the agent secret is missing or wrong' });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toMatchObject({ remoteAddress: '127.0.0.1', path: '/v1/usage', reason: 'no secret' });
    expect(warn.mock.calls[1][0]).toMatchObject({ reason: 'wrong secret' });
    // an unknown path is refused the same way: nothing tells an outsider which routes exist
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(401);
    await app.close();
  });

  it('answers with the secret, and maps a domain error to its status', async () => {
    const app = server();
    const ok = await app.inject({ url: '/v1/usage', headers: { authorization: `Bearer ${SECRET}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      node: { hostname: 'rog1' },
      containers: [{ containerId: 'c1', cpuPercent: 50 }],
      gpu: { available: false },
    });
    const logs = await app.inject({ url: '/v1/tasks/abc/logs', headers: { authorization: `Bearer ${SECRET}` } });
    expect(logs.statusCode).toBe(404);
    expect(logs.json().message).toBe('task abc has no container on this node');
    const bad = await app.inject({ url: '/v1/tasks/abc/logs?tail=lots', headers: { authorization: `Bearer ${SECRET}` } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/tail/);
    await app.close();
  });
});

describe('the agent secret', () => {
  it('compares a bearer header with the secret', () => {
    expect(bearerMatches(`Bearer ${SECRET}`, SECRET)).toBe(true);
    expect(bearerMatches(`bearer ${SECRET}`, SECRET)).toBe(true);
    expect(bearerMatches(`Bearer ${SECRET}x`, SECRET)).toBe(false);
    expect(bearerMatches(SECRET, SECRET)).toBe(false);
    expect(bearerMatches(undefined, SECRET)).toBe(false);
    expect(bearerMatches('Bearer ', SECRET)).toBe(false);
  });

  it('is read from its file; a missing or short file stops the agent with a message naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-secret-'));
    writeFileSync(join(dir, 's'), `${SECRET}\n`);
    expect(readAgentSecret(join(dir, 's'))).toBe(SECRET);
    expect(() => readAgentSecret(join(dir, 'missing'))).toThrow(new RegExp(`${dir}/missing cannot be read \\(ENOENT\\)`));
    writeFileSync(join(dir, 'short'), 'abc');
    expect(() => readAgentSecret(join(dir, 'short'))).toThrow(AgentConfigError);
  });

  it('reads its configuration from the environment, naming every bad variable', () => {
    expect(agentConfig({})).toMatchObject({
      port: 9102,
      secretFile: '/run/secrets/agent_secret',
      docker: { connection: { kind: 'unix' } },
    });
    expect(() => agentConfig({ AGENT_PORT: '0', DOCKER_HOST: 'ftp://x' })).toThrow(/AGENT_PORT="0".*\n.*DOCKER_HOST/);
  });
});
