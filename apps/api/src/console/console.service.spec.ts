import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import type { SwarmServices, TaskSummary } from '@app/swarm';
import type { AgentDirectory } from '../agents/agent-directory';
import { AGENT_UNAVAILABLE, ConsoleService } from './console.service';

const running: TaskSummary = {
  id: 'task1',
  serviceId: 's1',
  serviceName: 'web',
  slot: 2,
  nodeId: 'n-rog1',
  nodeHostname: 'rog1',
  desiredState: 'running',
  state: 'running',
  containerId: 'c0ffee',
};

function build(task: TaskSummary, agents: Partial<AgentDirectory>) {
  const services = strictMock<SwarmServices>('SwarmServices', { task: async () => task });
  return new ConsoleService(services, strictMock<AgentDirectory>('AgentDirectory', { serviceName: 'orchestrator_agent', ...agents }));
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const endpoint = { nodeId: 'n-rog1', hostname: 'rog1', url: 'http://10.0.1.5:9102', taskId: 'agent1' };

describe('ConsoleService', () => {
  it('opens only into a running task, naming its state otherwise', async () => {
    await expect(build(running, {}).target('task1')).resolves.toEqual({
      taskId: 'task1',
      serviceName: 'web',
      slot: 2,
      nodeId: 'n-rog1',
      nodeHostname: 'rog1',
      containerId: 'c0ffee',
    });
    await expect(build({ ...running, state: 'complete' }, {}).target('task1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'task task1 is complete, not running: only a running task has a console',
    });
  });

  it('a node without an agent is UNAVAILABLE with the reason AGENT_UNAVAILABLE, before any request', async () => {
    const consoles = build(running, { endpointFor: async () => undefined });
    await expect(consoles.run('task1', ['hostname'], { maxBytes: 100, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'node "rog1" has no agent running (service orchestrator_agent): the console needs one there',
      details: { reason: AGENT_UNAVAILABLE, node: 'rog1' },
    });
  });

  it("runs one command through the task's node agent, and passes its refusals on with their codes", async () => {
    const request = jest
      .spyOn(global, 'fetch')
      .mockImplementation(async () =>
        json(200, { stdout: 'x\n', stderr: '', exitCode: 0, truncated: true, timedOut: false, durationMs: 12 }),
      );
    const consoles = build(running, {
      endpointFor: async () => endpoint,
      authHeader: async () => ({ authorization: 'Bearer s3cret-s3cret-s3cret' }),
    });
    await expect(consoles.run('task1', ['hostname'], { maxBytes: 100, timeoutMs: 1000 })).resolves.toMatchObject({
      stdout: 'x\n',
      exitCode: 0,
      truncated: true,
      command: ['hostname'],
      target: { nodeHostname: 'rog1' },
    });
    expect(request).toHaveBeenCalledWith(
      'http://10.0.1.5:9102/v1/tasks/task1/exec',
      expect.objectContaining({
        method: 'POST',
        headers: { authorization: 'Bearer s3cret-s3cret-s3cret', 'content-type': 'application/json' },
        body: JSON.stringify({ command: ['hostname'], maxBytes: 100, timeoutMs: 1000 }),
      }),
    );

    request.mockResolvedValueOnce(json(404, { error: 'NOT_FOUND', message: 'task task1 has no container on this node' }));
    await expect(consoles.run('task1', ['hostname'], { maxBytes: 100, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'agent on "rog1": task task1 has no container on this node',
    });
    request.mockResolvedValueOnce(json(401, { message: 'the agent secret is missing or wrong' }));
    await expect(consoles.run('task1', ['hostname'], { maxBytes: 100, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('different agent secrets'),
      details: { reason: AGENT_UNAVAILABLE },
    });
    request.mockRejectedValueOnce(new TypeError('fetch failed'));
    await expect(consoles.run('task1', ['hostname'], { maxBytes: 100, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'the agent on "rog1" at http://10.0.1.5:9102 did not answer: fetch failed',
    });
    request.mockRestore();
  });

  it('a swarm without the agent service at all is the same as a node without an agent', async () => {
    const consoles = build(running, {
      endpointFor: async () => {
        throw new DomainError('NOT_FOUND', 'tasks of the agent service "orchestrator_agent" not found');
      },
    });
    await expect(consoles.run('task1', ['id'], { maxBytes: 1, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'node "rog1" has no agent: tasks of the agent service "orchestrator_agent" not found',
      details: { reason: AGENT_UNAVAILABLE, node: 'rog1' },
    });
  });
});
