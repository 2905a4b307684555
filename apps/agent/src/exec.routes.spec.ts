import { strictMock } from '@app/common/testing';
import type { NodeEngine, NodeFacts, NodeStatsCollector } from '@app/swarm';
import { parseCommand } from './exec.routes';
import { buildAgentServer } from './server';

const SECRET = 'a-secret-of-sixteen-plus-chars';

describe('the agent exec routes', () => {
  it('reads the session command as a JSON list of words, naming the field when it is not one', () => {
    expect(parseCommand('["sh"]')).toEqual(['sh']);
    expect(parseCommand('["sh","-c","echo $((6*7))"]')).toEqual(['sh', '-c', 'echo $((6*7))']);
    expect(() => parseCommand('sh')).toThrow('command: must be a JSON list of strings, e.g. ["sh"]');
    expect(() => parseCommand('[]')).toThrow('command: must be a non-empty JSON list of strings');
    expect(() => parseCommand('[" "]')).toThrow('command: must be a non-empty JSON list of strings');
    expect(() => parseCommand('[1]')).toThrow('command: must be a non-empty JSON list of strings');
  });

  it('refuses a bad one-shot request before the Engine is asked (the engine stub fails loudly if it is)', async () => {
    const app = buildAgentServer({
      secret: SECRET,
      engine: strictMock<NodeEngine>('NodeEngine', { client: strictMock('DockerClient') as never }),
      stats: strictMock<NodeStatsCollector>('NodeStatsCollector'),
      facts: strictMock<NodeFacts>('NodeFacts'),
      identity: async () => ({ nodeId: 'n1', hostname: 'rog1', cpus: 2, memoryBytes: 1, engineVersion: '20', dataRoot: '/d' }),
      gpu: async () => ({ available: false, reason: 'none' }),
    });
    const auth = { authorization: `Bearer ${SECRET}` };
    const empty = await app.inject({ method: 'POST', url: '/v1/tasks/abc/exec', headers: auth, payload: { command: [] } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/command/);
    const badTask = await app.inject({ method: 'POST', url: '/v1/tasks/a%2Fb/exec', headers: auth, payload: { command: ['id'] } });
    expect(badTask.statusCode).toBe(400);
    const tooLong = await app.inject({
      method: 'POST',
      url: '/v1/tasks/abc/exec',
      headers: auth,
      payload: { command: ['id'], timeoutMs: 10_000_000 },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().message).toMatch(/timeoutMs/);
    const noSecret = await app.inject({ method: 'POST', url: '/v1/tasks/abc/exec', payload: { command: ['id'] } });
    expect(noSecret.statusCode).toBe(401);
    await app.close();
  });
});
