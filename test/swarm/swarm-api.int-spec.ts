import { SwarmEngine, SwarmEvents, SwarmLogs } from '@app/swarm';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage, labPid, restartLab } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-swarm-';
jest.setTimeout(120_000);

describe('swarm: nodes and live services on the 3-node lab', () => {
  let t: TestApp;
  const docker = labDocker();

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await docker.getNode('rog1').inspect().then((n: any) => n.Spec.Availability !== 'active' && docker.getNode(n.ID).update({ version: n.Version.Index, ...n.Spec, Availability: 'active' })).catch(() => undefined);
    await t?.close();
  });

  const json = async (path: string, init?: Parameters<TestApp['api']>[1]) => {
    const res = await t.api(path, init);
    return { status: res.status, body: (await res.json()) as any };
  };

  async function createService(name: string, opts: { replicas?: number; constraints?: string[]; args?: string[] } = {}) {
    await docker.createService({
      Name: name,
      TaskTemplate: {
        ContainerSpec: { Image: labImage(), Args: opts.args ?? ['sleep', '3600'] },
        Placement: { Constraints: opts.constraints ?? [] },
        RestartPolicy: { Condition: 'on-failure', MaxAttempts: 2 },
      },
      Mode: { Replicated: { Replicas: opts.replicas ?? 1 } },
    } as any);
  }

  async function runningTasks(name: string) {
    const tasks = await docker.listTasks({ filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }) });
    return tasks.filter((x: any) => x.Status?.State === 'running');
  }

  it('lists three Ready nodes with architecture, roles, labels and the GPU', async () => {
    const { status, body } = await json('/api/nodes');
    expect(status).toBe(200);
    expect(body.map((n: any) => n.hostname)).toEqual(['mini2', 'rog1', 'spark1']);
    expect(body.every((n: any) => n.state === 'ready' && n.architecture === 'x86_64' && n.cpus > 0 && n.memoryBytes > 0)).toBe(true);
    const mini2 = body.find((n: any) => n.hostname === 'mini2');
    expect(mini2).toMatchObject({ role: 'manager', leader: true, managerReachability: 'reachable' });
    const spark1 = body.find((n: any) => n.hostname === 'spark1');
    expect(spark1.labels).toMatchObject({ gpu: 'true', arch: 'aarch64' });
    expect(spark1.genericResources).toEqual([{ kind: 'NVIDIA-GPU', value: 'GPU-lab-0' }]);
  });

  it('inspects a node by hostname and answers 404 naming an unknown one', async () => {
    expect((await json('/api/nodes/rog1')).body).toMatchObject({ hostname: 'rog1', role: 'worker' });
    const missing = await json('/api/nodes/nosuchnode');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('node "nosuchnode" not found');
  });

  it('adds and removes node labels', async () => {
    const added = await json('/api/nodes/rog1/labels', { method: 'PUT', json: { add: { 'lab.test': 'yes' } } });
    expect(added.status).toBe(200);
    expect(((await docker.getNode('rog1').inspect()) as any).Spec.Labels['lab.test']).toBe('yes');
    const removed = await json('/api/nodes/rog1/labels', { method: 'PUT', json: { remove: ['lab.test'] } });
    expect(removed.body.labels['lab.test']).toBeUndefined();
    const bad = await json('/api/nodes/rog1/labels', { method: 'PUT', json: { add: { ok: 3 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/add\.ok: must be a string/);
  });

  it('places a service constrained to the GPU label on spark1', async () => {
    await createService(`${PREFIX}gpu`, { constraints: ['node.labels.gpu==true'] });
    const tasks = await eventually(async () => {
      const r = await json(`/api/services/live/${PREFIX}gpu/tasks`);
      return r.body.some((x: any) => x.state === 'running') && r.body;
    }, 60_000, 'the gpu service to run');
    expect(tasks.find((x: any) => x.state === 'running').nodeHostname).toBe('spark1');
  });

  it('drains a worker: its tasks move to the other nodes; activate makes it eligible again', async () => {
    await createService(`${PREFIX}drain`, { replicas: 3, constraints: ['node.role==worker'] });
    await eventually(async () => (await runningTasks(`${PREFIX}drain`)).length === 3, 60_000, '3 running replicas');
    const rog1 = (await json('/api/nodes/rog1')).body.id;
    const drained = await json('/api/nodes/rog1/drain', { method: 'POST' });
    expect(drained.status).toBe(200);
    expect(drained.body.availability).toBe('drain');
    await eventually(async () => {
      const running = await runningTasks(`${PREFIX}drain`);
      return running.length === 3 && running.every((x: any) => x.NodeID !== rog1);
    }, 60_000, 'the replicas to leave rog1');
    const activated = await json('/api/nodes/rog1/activate', { method: 'POST' });
    expect(activated.body.availability).toBe('active');
    expect(((await docker.getNode(rog1).inspect()) as any).Spec.Availability).toBe('active');
  });

  it('refuses to drain the last active manager unless forced', async () => {
    const res = await json('/api/nodes/mini2/drain', { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/last active manager.*force=true/);
    expect(((await docker.getNode('mini2').inspect()) as any).Spec.Availability).toBe('active');
  });

  it('drains the last manager when forced in the JSON body, and activates it again', async () => {
    try {
      const forced = await json('/api/nodes/mini2/drain', { method: 'POST', json: { force: true } });
      expect([forced.status, forced.body.availability]).toEqual([200, 'drain']);
      expect(((await docker.getNode('mini2').inspect()) as any).Spec.Availability).toBe('drain');
      const bad = await json('/api/nodes/mini2/drain', { method: 'POST', json: { force: 'yes' } });
      expect([bad.status, bad.body.message]).toEqual([400, 'force must be true or false']);
    } finally {
      const activated = await json('/api/nodes/mini2/activate', { method: 'POST' });
      expect(activated.body.availability).toBe('active');
    }
  });

  it('answers 404 naming an unknown node for every node operation', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/nodes/nosuchnode/tasks', undefined],
      ['POST', '/api/nodes/nosuchnode/drain', undefined],
      ['POST', '/api/nodes/nosuchnode/activate', undefined],
      ['PUT', '/api/nodes/nosuchnode/labels', { add: { a: 'b' } }],
    ] as const) {
      const res = await json(path, { method, json: body });
      expect([path, res.status, res.body.message]).toEqual([path, 404, 'node "nosuchnode" not found']);
    }
    const missingService = await json(`/api/services/live/${PREFIX}nope/tasks`);
    expect([missingService.status, missingService.body.message]).toEqual([404, `service "${PREFIX}nope" not found`]);
  });

  it('lists live services with a constant number of Engine calls, whatever their number', async () => {
    const engine = t.app.get(SwarmEngine);
    const cost = async () => {
      const before = engine.callCount;
      const res = await json('/api/services/live');
      expect(res.status).toBe(200);
      return { calls: engine.callCount - before, body: res.body };
    };
    const one = await cost();
    const names = Array.from({ length: 100 }, (_, i) => `${PREFIX}many-${i}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(names.slice(i, i + 10).map((n) => createService(n, { replicas: 0 })));
    }
    const many = await cost();
    expect(many.body.filter((s: any) => s.name.startsWith(`${PREFIX}many-`))).toHaveLength(100);
    expect(many.calls).toBe(one.calls);
    expect(many.calls).toBeLessThanOrEqual(3);
    const sample = many.body.find((s: any) => s.name === `${PREFIX}many-7`);
    expect(sample).toMatchObject({ mode: 'replicated', replicasDesired: 0, replicasRunning: 0, image: labImage() });
    await removeServices(`${PREFIX}many-`);
  });

  it('returns the lines a service printed, and follows new ones', async () => {
    await createService(`${PREFIX}logs`, { args: ['sh', '-c', 'echo hello-one; echo hello-two >&2; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done'] });
    const logs = t.app.get(SwarmLogs);
    const lines = await eventually(async () => {
      const res = await json(`/api/services/live/${PREFIX}logs/tasks`);
      if (!res.body.some((x: any) => x.state === 'running')) return false;
      const got = [];
      for await (const l of logs.logs(`${PREFIX}logs`, { tail: 100 })) got.push(l);
      return got.some((l) => l.message === 'hello-two') && got;
    }, 60_000, 'the first log lines');
    expect(lines.find((l) => l.message === 'hello-one')).toMatchObject({ stream: 'stdout', taskSlot: 1 });
    expect(lines.find((l) => l.message === 'hello-two')?.stream).toBe('stderr');
    expect(lines[0].nodeHostname).toMatch(/^(mini2|spark1|rog1)$/);

    const abort = new AbortController();
    const seen: string[] = [];
    const started = Date.now();
    for await (const l of logs.logs(`${PREFIX}logs`, { tail: 0, follow: true, signal: abort.signal, timestamps: true })) {
      expect(l.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      seen.push(l.message);
      if (seen.length === 2) abort.abort();
    }
    expect(seen.every((m) => /^tick-\d+$/.test(m))).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers 503 within the bound while the manager is down, and recovers without a restart', async () => {
    const events = t.app.get(SwarmEvents);
    events.start();
    await eventually(async () => events.connected, 10_000, 'the event stream');
    process.kill(labPid('mini2'), 'SIGKILL');
    try {
      const started = Date.now();
      const nodes = await json('/api/nodes');
      expect(nodes.status).toBe(503);
      expect(nodes.body.message).toMatch(/Docker is unreachable at unix:\/\/.*mini2/);
      expect((await json('/api/services/live')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await json('/api/health')).status).toBe(200);
      await eventually(async () => !events.connected, 10_000, 'the event stream to notice');
    } finally {
      restartLab();
    }
    await eventually(async () => (await json('/api/nodes')).status === 200, 60_000, 'the nodes endpoint to recover');
    await eventually(async () => events.connected, 30_000, 'the event stream to reconnect');
    const next = firstValueFrom(events.events$.pipe(filter((e) => e.kind === 'service' && e.name === `${PREFIX}after`), timeout(30_000)));
    await createService(`${PREFIX}after`, { replicas: 0 });
    expect((await next).action).toBe('create');
  });
});
