import { DomainError } from '@app/common';
import { SwarmServices, type LogLine } from '@app/swarm';
import { mergeLogStreams } from '../../libs/swarm/src/stack/stack-logs';
import { asRequestFault } from '../../libs/swarm/src/stack/stack-errors';
import { toSwarmError } from '../../libs/swarm/src/swarm-error';
import type { DockerClient } from '../../libs/swarm/src/docker.client';

const engineError = (statusCode: number, message: string) =>
  toSwarmError(
    Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } }),
    'service "s_web"',
    'unix:///x.sock',
  );

describe('asRequestFault: an Engine refusal of the file is INVALID naming the compose key', () => {
  it('reads Engine 20.10 500s about the request as the request’s fault, with the Engine’s message', () => {
    const err = asRequestFault(engineError(500, 'network frontend not found'), 'services.web') as DomainError;
    expect([err.code, err.message]).toEqual(['INVALID', 'services.web: network frontend not found']);
    const constraint = asRequestFault(
      engineError(500, 'rpc error: code = Unknown desc = constraint expected one operator from ==, !='),
      'services.web',
    ) as DomainError;
    expect([constraint.code, constraint.message]).toEqual(['INVALID', 'services.web: constraint expected one operator from ==, !=']);
    const mount = asRequestFault(
      engineError(400, 'rpc error: code = InvalidArgument desc = invalid mount target, must be an absolute path: data'),
      'services.web',
    ) as DomainError;
    expect([mount.code, mount.message]).toEqual(['INVALID', 'services.web: invalid mount target, must be an absolute path: data']);
    // a 404 on create is about something the spec refers to, not the service being created
    expect((asRequestFault(engineError(404, 'network x not found'), 'services.web') as DomainError).message).toBe(
      'services.web: network x not found',
    );
  });

  it('leaves a swarm that cannot answer UNAVAILABLE, and a name clash CONFLICT', () => {
    const down = toSwarmError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'service "s_web"',
      'unix:///x.sock',
    );
    expect((asRequestFault(down, 'services.web') as DomainError).code).toBe('UNAVAILABLE');
    expect(
      (
        asRequestFault(
          engineError(500, 'rpc error: code = Unavailable desc = raft: no elected cluster leader'),
          'services.web',
        ) as DomainError
      ).code,
    ).toBe('UNAVAILABLE');
    expect((asRequestFault(engineError(503, 'This node is not a swarm manager.'), 'services.web') as DomainError).code).toBe('UNAVAILABLE');
    expect((asRequestFault(engineError(409, 'name conflicts with an existing object'), 'services.web') as DomainError).code).toBe(
      'CONFLICT',
    );
  });
});

async function* lines(items: { at: string; text: string; delayMs?: number }[]): AsyncGenerator<LogLine> {
  for (const i of items) {
    if (i.delayMs) await new Promise((r) => setTimeout(r, i.delayMs));
    yield { timestamp: i.at, stream: 'stdout', message: i.text, taskSlot: 1, nodeHostname: 'n1' };
  }
}

describe('mergeLogStreams: one stream for every service of a stack', () => {
  it('orders the lines of all services by time, tags each with its service, filters case-insensitively', async () => {
    const out = [];
    const sources = [
      {
        service: 'web',
        lines: lines([
          { at: '2026-01-01T00:00:01Z', text: 'GET / 200' },
          { at: '2026-01-01T00:00:03Z', text: 'GET /x 404' },
        ]),
      },
      { service: 'api', lines: lines([{ at: '2026-01-01T00:00:02Z', text: 'get users' }]) },
    ];
    for await (const l of mergeLogStreams(sources, { follow: false, filter: 'get', timestamps: false })) out.push(l);
    expect(out.map((l) => [l.service, l.message, l.timestamp])).toEqual([
      ['web', 'GET / 200', undefined],
      ['api', 'get users', undefined],
      ['web', 'GET /x 404', undefined],
    ]);
  });

  it('following, yields lines as they arrive from any service and stops the sources when the reader stops', async () => {
    let stopped = 0;
    async function* endless(service: string, everyMs: number): AsyncGenerator<LogLine> {
      for (let i = 0; ; i++) {
        await new Promise((r) => setTimeout(r, everyMs));
        yield { stream: 'stdout', message: `${service} ${i}` };
      }
    }
    const out: string[] = [];
    for await (const l of mergeLogStreams(
      [
        { service: 'a', lines: endless('a', 5) },
        { service: 'b', lines: endless('b', 7) },
      ],
      { follow: true, timestamps: false, stop: () => stopped++ },
    )) {
      out.push(l.message);
      if (out.length === 6) break;
    }
    expect(out.filter((m) => m.startsWith('a')).length).toBeGreaterThan(0);
    expect(out.filter((m) => m.startsWith('b')).length).toBeGreaterThan(0);
    expect(stopped).toBe(1);
  });

  it('following, ends with the error of a source that fails', async () => {
    async function* failing(): AsyncGenerator<LogLine> {
      yield { stream: 'stdout', message: 'one' };
      throw new DomainError('UNAVAILABLE', 'Docker is unreachable');
    }
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const l of mergeLogStreams([{ service: 'a', lines: failing() }], { follow: true, timestamps: false }))
          out.push(l.message);
      })(),
    ).rejects.toThrow('Docker is unreachable');
    expect(out).toEqual(['one']);
  });
});

describe('SwarmServices.waitForConvergence of a global service', () => {
  /** A DockerClient stub: a global service constrained to managers, nodes, and the tasks each poll sees. */
  const stub = (taskPolls: object[][]) => {
    let poll = 0;
    const nodes = [
      { ID: 'm', Spec: { Role: 'manager', Availability: 'active' }, Status: { State: 'ready' }, Description: { Hostname: 'mini2' } },
      { ID: 'w1', Spec: { Role: 'worker', Availability: 'active' }, Status: { State: 'ready' }, Description: { Hostname: 'spark1' } },
      { ID: 'w2', Spec: { Role: 'worker', Availability: 'drain' }, Status: { State: 'ready' }, Description: { Hostname: 'rog1' } },
    ];
    const service = {
      ID: 'svc',
      Spec: { Name: 'g', Mode: { Global: {} }, TaskTemplate: { Placement: { Constraints: [] as string[] } }, UpdateConfig: { Monitor: 1 } },
    };
    const api = {
      getService: () => ({ inspect: async () => service }),
      listNodes: async () => nodes,
      listTasks: async () => taskPolls[Math.min(poll++, taskPolls.length - 1)],
    };
    const docker = { run: (_what: string, fn: (d: typeof api) => Promise<unknown>) => fn(api) } as unknown as DockerClient;
    return { services: new SwarmServices(docker), service };
  };
  const task = (id: string, node: string, state = 'running') => ({
    ID: id,
    ServiceID: 'svc',
    NodeID: node,
    DesiredState: 'running',
    Status: { State: state },
    CreatedAt: new Date().toISOString(),
  });

  it('wants one task per eligible node, not the tasks listed at the first poll', async () => {
    // first polls: no task yet, then one of two; a drained node is not eligible
    const { services } = stub([[], [], [task('t1', 'm')], [task('t1', 'm'), task('t2', 'w1')]]);
    const seen: number[] = [];
    const r = await services.waitForConvergence('g', {
      timeoutMs: 10_000,
      intervalMs: 5,
      stableMs: 0,
      onProgress: (p) => seen.push(p.running),
    });
    expect(r).toMatchObject({ outcome: 'converged', desired: 2, running: 2 });
    expect(seen.slice(0, 2)).toEqual([0, 0]);
  });

  it('never calls a global service with no eligible node converged', async () => {
    const { services, service } = stub([[]]);
    service.Spec.TaskTemplate.Placement.Constraints = ['node.labels.gpu == true'];
    const r = await services.waitForConvergence('g', { timeoutMs: 200, intervalMs: 5, stableMs: 0 });
    expect(r).toMatchObject({ outcome: 'timeout', desired: 0, running: 0 });
  });
});
