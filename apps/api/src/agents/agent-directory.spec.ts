import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';
import type { AgentTask, NodeSummary, SwarmAgentTasks, SwarmNodes } from '@app/swarm';
import type { AppConfig } from '../config/app-config';
import { AgentDirectory } from './agent-directory';
import type { AgentSecret } from './agent-secret';

const node = (id: string, hostname: string) => ({ id, hostname }) as NodeSummary;

describe('AgentDirectory', () => {
  let server: Server;
  let port: number;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(req.headers.authorization === 'Bearer right-secret-0123456789' ? 200 : 401, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  function directory(tasks: AgentTask[], secret = 'right-secret-0123456789') {
    const agentTasks = { list: jest.fn().mockResolvedValue(tasks) } as unknown as SwarmAgentTasks;
    const nodes = {
      list: jest.fn().mockResolvedValue([node('n1', 'mini2'), node('n2', 'rog1'), node('n3', 'spark1')]),
    } as unknown as SwarmNodes;
    const agentSecret = {
      value: async () => secret,
      problem: () => undefined,
      authHeader: async () => ({ authorization: `Bearer ${secret}` }),
    };
    const config = { agents: { service: 'so_agent', port, secretFile: '/x', sampleIntervalMs: 3000 } } as AppConfig;
    return new AgentDirectory(config, agentTasks, nodes, agentSecret as unknown as AgentSecret, {} as HttpAdapterHost);
  }
  const task = (nodeId: string, state = 'running'): AgentTask => ({
    taskId: `t-${nodeId}`,
    nodeId,
    state,
    desiredState: 'running',
    address: '127.0.0.1',
  });

  it('says per node: connected once its agent answered, unreachable before, no agent without a task', async () => {
    const d = directory([task('n1'), task('n2', 'starting')]);
    expect((await d.list()).map((a) => [a.hostname, a.state])).toEqual([
      ['mini2', 'unreachable'],
      ['rog1', 'no-agent'],
      ['spark1', 'no-agent'],
    ]);
    expect((await d.statusFor('rog1')).reason).toBe('the agent task is starting');
    expect((await d.statusFor('spark1')).reason).toBe('no agent task runs on this node');
    const res = await d.request('mini2', '/v1/usage');
    expect(res.status).toBe(200);
    expect(seen.pop()).toBe('Bearer right-secret-0123456789');
    expect((await d.statusFor('n1')).state).toBe('connected');
    expect(await d.endpointFor('mini2')).toEqual({ nodeId: 'n1', hostname: 'mini2', url: `http://127.0.0.1:${port}`, taskId: 't-n1' });
    expect(await d.endpointFor('rog1')).toBeUndefined();
  });

  it('refuses a node without agent as UNAVAILABLE naming the node, and an unknown node as NOT_FOUND', async () => {
    const d = directory([task('n1')]);
    await expect(d.request('rog1', '/v1/usage')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'node "rog1" has no agent (service so_agent)',
    });
    await expect(d.request('nope', '/v1/usage')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an agent refusing the secret stays unreachable, with the reason', async () => {
    const d = directory([task('n1')], 'wrong-secret-0123456789');
    await d.request('mini2', '/v1/usage');
    const s = await d.statusFor('mini2');
    expect(s.state).toBe('unreachable');
    expect(s.reason).toMatch(/refused the secret \(401\)/);
  });
});
