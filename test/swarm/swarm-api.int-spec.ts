import { SwarmEngine, SwarmEvents, SwarmLogs } from '@app/swarm';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage, labPid, restartLab } from '../fixtures/lab';
import { ErrorBody, errorOf } from '../fixtures/api-client';
import { suiteTestApp } from '../fixtures/test-app';

const PREFIX = 't-swarm-';
jest.setTimeout(120_000);

describe('swarm: nodes and live services on the 3-node lab', () => {
  const t = suiteTestApp(PREFIX);
  const docker = labDocker();

  afterAll(async () => {
    await docker
      .getNode('rog1')
      .inspect()
      .then(
        (n: any) =>
          n.Spec.Availability !== 'active' && docker.getNode(n.ID).update({ version: n.Version.Index, ...n.Spec, Availability: 'active' }),
      )
      .catch(() => undefined);
  });

  const node = (id: string) => ({ params: { path: { id } } });

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
    const { response, data: body = [] } = await t.client.GET('/api/nodes');
    expect(response.status).toBe(200);
    expect(body.map((n) => n.hostname)).toEqual(['mini2', 'rog1', 'spark1']);
    expect(body.every((n) => n.state === 'ready' && n.architecture === 'x86_64' && n.cpus > 0 && n.memoryBytes > 0)).toBe(true);
    const mini2 = body.find((n) => n.hostname === 'mini2');
    expect(mini2).toMatchObject({ role: 'manager', leader: true, managerReachability: 'reachable' });
    const spark1 = body.find((n) => n.hostname === 'spark1')!;
    expect(spark1.labels).toMatchObject({ gpu: 'true', arch: 'aarch64' });
    expect(spark1.genericResources).toEqual([{ kind: 'NVIDIA-GPU', value: 'GPU-lab-0' }]);
  });

  it('inspects a node by hostname and answers 404 naming an unknown one', async () => {
    expect((await t.client.GET('/api/nodes/{id}', node('rog1'))).data).toMatchObject({ hostname: 'rog1', role: 'worker' });
    const missing = await t.client.GET('/api/nodes/{id}', node('nosuchnode'));
    expect(missing.response.status).toBe(404);
    expect(errorOf(missing).message).toBe('node "nosuchnode" not found');
  });

  it('adds and removes node labels', async () => {
    const added = await t.client.PUT('/api/nodes/{id}/labels', { ...node('rog1'), body: { add: { 'lab.test': 'yes' } } });
    expect(added.response.status).toBe(200);
    expect(((await docker.getNode('rog1').inspect()) as any).Spec.Labels['lab.test']).toBe('yes');
    const removed = await t.client.PUT('/api/nodes/{id}/labels', { ...node('rog1'), body: { remove: ['lab.test'] } });
    expect(removed.data!.labels['lab.test']).toBeUndefined();
    // a bad body on purpose: the typed client would not let it through
    const bad = await t.api('/api/nodes/rog1/labels', { method: 'PUT', json: { add: { ok: 3 } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).message).toMatch(/add\.ok: must be a string/);
  });

  it('places a service constrained to the GPU label on spark1', async () => {
    await createService(`${PREFIX}gpu`, { constraints: ['node.labels.gpu==true'] });
    const tasks = await eventually(
      async () => {
        const r = await t.client.GET('/api/services/live/{name}/tasks', { params: { path: { name: `${PREFIX}gpu` } } });
        return r.data!.some((x) => x.state === 'running') && r.data!;
      },
      60_000,
      'the gpu service to run',
    );
    expect(tasks.find((x) => x.state === 'running')!.nodeHostname).toBe('spark1');
  });

  it('drains a worker: its tasks move to the other nodes; activate makes it eligible again', async () => {
    await createService(`${PREFIX}drain`, { replicas: 3, constraints: ['node.role==worker'] });
    await eventually(async () => (await runningTasks(`${PREFIX}drain`)).length === 3, 60_000, '3 running replicas');
    const rog1 = (await t.client.GET('/api/nodes/{id}', node('rog1'))).data!.id;
    const drained = await t.client.POST('/api/nodes/{id}/drain', node('rog1'));
    expect(drained.response.status).toBe(200);
    expect(drained.data!.availability).toBe('drain');
    await eventually(
      async () => {
        const running = await runningTasks(`${PREFIX}drain`);
        return running.length === 3 && running.every((x: any) => x.NodeID !== rog1);
      },
      60_000,
      'the replicas to leave rog1',
    );
    const activated = await t.client.POST('/api/nodes/{id}/activate', node('rog1'));
    expect(activated.data!.availability).toBe('active');
    expect(((await docker.getNode(rog1).inspect()) as any).Spec.Availability).toBe('active');
  });

  it('refuses to drain the last active manager unless forced', async () => {
    const res = await t.client.POST('/api/nodes/{id}/drain', node('mini2'));
    expect(res.response.status).toBe(409);
    expect(errorOf(res).message).toMatch(/last active manager.*force=true/);
    expect(((await docker.getNode('mini2').inspect()) as any).Spec.Availability).toBe('active');
  });

  it('drains the last manager when forced in the JSON body, and activates it again', async () => {
    try {
      const forced = await t.client.POST('/api/nodes/{id}/drain', { ...node('mini2'), body: { force: true } });
      expect([forced.response.status, forced.data?.availability]).toEqual([200, 'drain']);
      expect(((await docker.getNode('mini2').inspect()) as any).Spec.Availability).toBe('drain');
      const bad = await t.api('/api/nodes/mini2/drain', { method: 'POST', json: { force: 'yes' } });
      expect([bad.status, ((await bad.json()) as ErrorBody).message]).toEqual([400, 'force must be true or false']);
    } finally {
      const activated = await t.client.POST('/api/nodes/{id}/activate', node('mini2'));
      expect(activated.data!.availability).toBe('active');
    }
  });

  it('answers 404 naming an unknown node for every node operation', async () => {
    const missing = node('nosuchnode');
    for (const [path, call] of [
      ['GET /api/nodes/nosuchnode/tasks', () => t.client.GET('/api/nodes/{id}/tasks', missing)],
      ['POST /api/nodes/nosuchnode/drain', () => t.client.POST('/api/nodes/{id}/drain', missing)],
      ['POST /api/nodes/nosuchnode/activate', () => t.client.POST('/api/nodes/{id}/activate', missing)],
      ['PUT /api/nodes/nosuchnode/labels', () => t.client.PUT('/api/nodes/{id}/labels', { ...missing, body: { add: { a: 'b' } } })],
    ] as const) {
      const res = await call();
      expect([path, res.response.status, errorOf(res).message]).toEqual([path, 404, 'node "nosuchnode" not found']);
    }
    const missingService = await t.client.GET('/api/services/live/{name}/tasks', { params: { path: { name: `${PREFIX}nope` } } });
    expect([missingService.response.status, errorOf(missingService).message]).toEqual([404, `service "${PREFIX}nope" not found`]);
  });

  it('lists live services with a constant number of Engine calls, whatever their number', async () => {
    const engine = t.app.get(SwarmEngine);
    const cost = async () => {
      const before = engine.callCount;
      const res = await t.client.GET('/api/services/live');
      expect(res.response.status).toBe(200);
      return { calls: engine.callCount - before, body: res.data! };
    };
    const one = await cost();
    const names = Array.from({ length: 100 }, (_, i) => `${PREFIX}many-${i}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(names.slice(i, i + 10).map((n) => createService(n, { replicas: 0 })));
    }
    const many = await cost();
    expect(many.body.filter((s) => s.name.startsWith(`${PREFIX}many-`))).toHaveLength(100);
    expect(many.calls).toBe(one.calls);
    expect(many.calls).toBeLessThanOrEqual(3);
    const sample = many.body.find((s) => s.name === `${PREFIX}many-7`);
    expect(sample).toMatchObject({ mode: 'replicated', replicasDesired: 0, replicasRunning: 0, image: labImage() });
    await removeServices(`${PREFIX}many-`);
  });

  it('returns the lines a service printed, and follows new ones', async () => {
    await createService(`${PREFIX}logs`, {
      args: ['sh', '-c', 'echo hello-one; echo hello-two >&2; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done'],
    });
    const logs = t.app.get(SwarmLogs);
    const lines = await eventually(
      async () => {
        const res = await t.client.GET('/api/services/live/{name}/tasks', { params: { path: { name: `${PREFIX}logs` } } });
        if (!res.data!.some((x) => x.state === 'running')) return false;
        const got = [];
        for await (const l of logs.logs(`${PREFIX}logs`, { tail: 100 })) got.push(l);
        return got.some((l) => l.message === 'hello-two') && got;
      },
      60_000,
      'the first log lines',
    );
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
      const nodes = await t.client.GET('/api/nodes');
      expect(nodes.response.status).toBe(503);
      expect(errorOf(nodes).message).toMatch(/Docker is unreachable at unix:\/\/.*mini2/);
      expect((await t.client.GET('/api/services/live')).response.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await t.client.GET('/api/health')).response.status).toBe(200);
      await eventually(async () => !events.connected, 10_000, 'the event stream to notice');
    } finally {
      restartLab();
    }
    await eventually(async () => (await t.client.GET('/api/nodes')).response.status === 200, 60_000, 'the nodes endpoint to recover');
    await eventually(async () => events.connected, 30_000, 'the event stream to reconnect');
    const next = firstValueFrom(
      events.events$.pipe(
        filter((e) => e.kind === 'service' && e.name === `${PREFIX}after`),
        timeout(30_000),
      ),
    );
    await createService(`${PREFIX}after`, { replicas: 0 });
    expect((await next).action).toBe('create');
  });
});
