import { DomainError } from '@app/common';
import { LogDemuxer, parseServiceLogLine } from './log-demux';
import { toSwarmError, withVersionRetry } from './swarm-error';
import { sortTasks, toLiveServices, toNodeSummary, toTaskSummary } from './swarm.mappers';

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('LogDemuxer', () => {
  it('splits frames into lines per stream, across chunk boundaries', () => {
    const d = new LogDemuxer();
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err line\n'), frame(1, 'o\n')]);
    const out = [...d.push(all.subarray(0, 5)), ...d.push(all.subarray(5, 20)), ...d.push(all.subarray(20))];
    expect(out).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'err line' },
      { stream: 'stdout', text: 'two' },
    ]);
  });

  it('reads raw TTY text and flushes a last unterminated line', () => {
    const d = new LogDemuxer(true);
    expect(d.push(Buffer.from('a\r\nb'))).toEqual([{ stream: 'stdout', text: 'a' }]);
    expect(d.flush()).toEqual([{ stream: 'stdout', text: 'b' }]);
  });

  it('reads the task and node of a detailed service log line', () => {
    const line =
      '2026-11-24T23:00:00.123456789Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello world';
    expect(parseServiceLogLine(line, true)).toEqual({
      timestamp: '2026-11-24T23:00:00.123456789Z',
      attrs: { 'com.docker.swarm.node.id': 'n1', 'com.docker.swarm.service.id': 's1', 'com.docker.swarm.task.id': 't1' },
      message: 'hello world',
    });
    expect(parseServiceLogLine('plain a=b text', false).message).toBe('plain a=b text');
  });
});

describe('withVersionRetry', () => {
  const outOfSequence = Object.assign(new Error('(HTTP code 500) unexpected - update out of sequence'), { statusCode: 500 });

  it('retries a stale version with a fresh read, then succeeds', async () => {
    let reads = 0;
    const result = await withVersionRetry(async () => {
      reads++;
      if (reads < 3) throw outOfSequence;
      return 'updated';
    });
    expect(result).toBe('updated');
    expect(reads).toBe(3);
  });

  it('sees the conflict through a mapped domain error and gives up after the limit', async () => {
    let reads = 0;
    const mapped = toSwarmError(outOfSequence, 'service "web"', 'unix:///x.sock');
    await expect(
      withVersionRetry(async () => {
        reads++;
        throw mapped;
      }, 4),
    ).rejects.toBe(mapped);
    expect(reads).toBe(4);
  });

  it('does not retry other errors', async () => {
    let reads = 0;
    await expect(
      withVersionRetry(async () => {
        reads++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(reads).toBe(1);
  });
});

describe('toSwarmError', () => {
  it('maps Engine statuses and connection failures to domain codes that name the object', () => {
    const e404 = toSwarmError({ statusCode: 404, json: { message: 'service web not found' } }, 'service "web"', 'unix:///s');
    expect(e404).toBeInstanceOf(DomainError);
    expect([e404.code, e404.message]).toEqual(['NOT_FOUND', 'service "web" not found']);
    expect(toSwarmError({ statusCode: 409, json: { message: 'name conflicts' } }, 'service "web"', 'x').code).toBe('CONFLICT');
    const bad = toSwarmError(
      { statusCode: 400, json: { message: 'invalid mount config: must use either propagation mode' } },
      'service "web"',
      'x',
    );
    expect([bad.code, bad.message]).toEqual(['INVALID', 'service "web": invalid mount config: must use either propagation mode']);
    const down = toSwarmError(Object.assign(new Error('connect ECONNREFUSED /s'), { code: 'ECONNREFUSED' }), 'nodes', 'unix:///s');
    expect([down.code, down.message]).toEqual(['UNAVAILABLE', 'Docker is unreachable at unix:///s: ECONNREFUSED']);
  });
});

describe('mappers', () => {
  const node = {
    ID: 'n1',
    Version: { Index: 7 },
    Spec: { Role: 'manager', Availability: 'active', Labels: { gpu: 'true' } },
    Description: {
      Hostname: 'mini2',
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Engine: { EngineVersion: '20.10.24' },
      Resources: {
        NanoCPUs: 4e9,
        MemoryBytes: 8e9,
        GenericResources: [
          { NamedResourceSpec: { Kind: 'NVIDIA-GPU', Value: 'GPU-1' } },
          { DiscreteResourceSpec: { Kind: 'SSD', Value: 2 } },
        ],
      },
    },
    Status: { State: 'ready', Addr: '0.0.0.0' },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.0.0.2:2377' },
  };

  it('maps a node to what an operator reads at a glance', () => {
    expect(toNodeSummary(node)).toMatchObject({
      id: 'n1',
      hostname: 'mini2',
      role: 'manager',
      leader: true,
      managerReachability: 'reachable',
      availability: 'active',
      state: 'ready',
      address: '10.0.0.2',
      engineVersion: '20.10.24',
      os: 'linux',
      architecture: 'x86_64',
      cpus: 4,
      memoryBytes: 8e9,
      genericResources: [
        { kind: 'NVIDIA-GPU', value: 'GPU-1' },
        { kind: 'SSD', value: 2 },
      ],
      labels: { gpu: 'true' },
      version: 7,
    });
  });

  it('counts running replicas per service from one task list, and global desired from eligible nodes', () => {
    const services = [
      {
        ID: 's1',
        Spec: {
          Name: 'web',
          Mode: { Replicated: { Replicas: 3 } },
          Labels: { 'com.docker.stack.namespace': 'shop' },
          TaskTemplate: { ContainerSpec: { Image: 'r:5000/web:1@sha256:abc' } },
        },
        Endpoint: { Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'host' }] },
      },
      { ID: 's2', Spec: { Name: 'agent', Mode: { Global: {} }, TaskTemplate: { ContainerSpec: { Image: 'agent:2' } } } },
    ];
    const tasks = [
      { ID: 't1', ServiceID: 's1', DesiredState: 'running', Status: { State: 'running' } },
      { ID: 't2', ServiceID: 's1', DesiredState: 'running', Status: { State: 'starting' } },
      { ID: 't3', ServiceID: 's1', DesiredState: 'shutdown', Status: { State: 'running' } },
      { ID: 't4', ServiceID: 's2', DesiredState: 'running', Status: { State: 'running' } },
      { ID: 't5', ServiceID: 's2', DesiredState: 'running', Status: { State: 'running' } },
    ];
    const nodes = [
      node,
      { ...node, ID: 'n2', Spec: { ...node.Spec, Availability: 'active' } },
      { ...node, ID: 'n3', Status: { State: 'down' } },
    ];
    const [agent, web] = toLiveServices(services, tasks, nodes);
    expect(web).toMatchObject({
      name: 'web',
      image: 'r:5000/web:1',
      imageDigest: 'sha256:abc',
      replicasDesired: 3,
      replicasRunning: 1,
      stack: 'shop',
      mode: 'replicated',
    });
    expect(web.ports).toEqual([{ published: 8080, target: 80, protocol: 'tcp', mode: 'host' }]);
    expect(agent).toMatchObject({ name: 'agent', mode: 'global', replicasDesired: 2, replicasRunning: 2 });
  });
});

describe('task mapping', () => {
  const task = (id: string, slot: number, node: string, created: string, extra: object = {}) => ({
    ID: id,
    ServiceID: 's1',
    Slot: slot,
    NodeID: node,
    DesiredState: 'running',
    CreatedAt: created,
    UpdatedAt: created,
    Spec: { ContainerSpec: { Image: 'busybox:1.0@sha256:abc' } },
    Status: { State: 'running', Message: 'started', Timestamp: created, ContainerStatus: { ContainerID: 'c-' + id, ExitCode: 0 } },
    ...extra,
  });

  it('reads slot, node hostname, states, error and exit code', () => {
    const failed = task('t2', 1, 'n2', '2026-11-24T00:00:01Z', {
      DesiredState: 'shutdown',
      Status: {
        State: 'failed',
        Message: 'started',
        Err: 'task: non-zero exit (2)',
        Timestamp: '2026-11-24T00:00:03Z',
        ContainerStatus: { ExitCode: 2 },
      },
    });
    expect(toTaskSummary(failed, new Map([['n2', 'rog1']]), 'web')).toEqual({
      id: 't2',
      serviceId: 's1',
      serviceName: 'web',
      slot: 1,
      nodeId: 'n2',
      nodeHostname: 'rog1',
      desiredState: 'shutdown',
      state: 'failed',
      message: 'started',
      error: 'task: non-zero exit (2)',
      exitCode: 2,
      containerId: undefined,
      image: 'busybox:1.0@sha256:abc',
      createdAt: '2026-11-24T00:00:01Z',
      updatedAt: '2026-11-24T00:00:01Z',
      timestamp: '2026-11-24T00:00:03Z',
    });
  });

  it('orders tasks as docker service ps does: by slot, newest first within a slot', () => {
    const hostnames = new Map([
      ['n1', 'mini2'],
      ['n2', 'rog1'],
    ]);
    const tasks = [
      task('old1', 1, 'n1', '2026-11-24T00:00:00Z'),
      task('s2', 2, 'n2', '2026-11-24T00:00:00Z'),
      task('new1', 1, 'n1', '2026-11-24T00:01:00Z'),
    ];
    expect(sortTasks(tasks.map((t) => toTaskSummary(t, hostnames))).map((t) => t.id)).toEqual(['new1', 'old1', 's2']);
  });
});
