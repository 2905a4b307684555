import { DomainError } from '@app/common';
import { ConvergenceProgress, ServiceSpec, SwarmEngine, SwarmLogs, SwarmServices } from '@app/swarm';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage, labPid } from '../fixtures/lab';
import { errorOf } from '../fixtures/api-client';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-swarm-ops-';
jest.setTimeout(120_000);

/** The library's service operations against the 3-node lab, checked with the swarm's own view. */
describe('swarm: service operations on the lab', () => {
  let t: TestApp;
  let services: SwarmServices;
  const docker = labDocker();

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp({ DOCKER_TIMEOUT_MS: '1500' });
    services = t.app.get(SwarmServices);
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  const spec = (
    name: string,
    opts: { replicas?: number; args?: string[]; constraints?: string[]; global?: boolean; restart?: object } = {},
  ): ServiceSpec => ({
    Name: name,
    TaskTemplate: {
      // busybox sleep as PID 1 ignores SIGTERM: without a short grace period each replaced task takes 10 s
      ContainerSpec: { Image: labImage(), Args: opts.args ?? ['sleep', '3600'], StopGracePeriod: 1_000_000_000 },
      Placement: { Constraints: opts.constraints ?? [] },
      RestartPolicy: opts.restart ?? { Condition: 'on-failure', MaxAttempts: 2 },
    },
    Mode: opts.global ? { Global: {} } : { Replicated: { Replicas: opts.replicas ?? 1 } },
  });
  const raw = async (name: string) => (await docker.getService(name).inspect()) as any;
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );

  it('creates a service and waits for every replica, reporting progress per replica; a second create is a CONFLICT', async () => {
    const name = `${PREFIX}web`;
    const created = await services.create(spec(name, { replicas: 2 }));
    expect(created.id).toMatch(/^[a-z0-9]{25}$/);
    const progress: ConvergenceProgress[] = [];
    const result = await services.waitForConvergence(name, { timeoutMs: 60_000, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ outcome: 'converged', desired: 2, running: 2, message: '2/2 replicas running, stable for 5 s' });
    expect(result.replicas.map((r) => r.slot).sort()).toEqual([1, 2]);
    expect(result.replicas.every((r) => r.state === 'running' && /^(mini2|spark1|rog1)$/.test(r.nodeHostname ?? ''))).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)?.running).toBe(2);

    const again = await failure(services.create(spec(name)));
    expect(again).toBeInstanceOf(DomainError);
    expect(again?.code).toBe('CONFLICT');
    expect(again?.message).toContain(`service "${name}"`);
  });

  it('scales a replicated service and lists its tasks with slot, node and states', async () => {
    const name = `${PREFIX}web`;
    await services.scale(name, 3);
    expect((await raw(name)).Spec.Mode.Replicated.Replicas).toBe(3);
    expect((await services.waitForConvergence(name, { timeoutMs: 60_000 })).outcome).toBe('converged');
    const tasks = (await services.tasks(name)).filter((x) => x.desiredState === 'running');
    expect(tasks.map((x) => x.slot)).toEqual([1, 2, 3]);
    expect(tasks.every((x) => x.state === 'running' && x.nodeHostname && x.serviceName === name)).toBe(true);
    const live = (await services.listLive()).find((s) => s.name === name);
    expect(live).toMatchObject({ replicasDesired: 3, replicasRunning: 3, mode: 'replicated' });
  });

  it('applies concurrent updates one after another: each stale version is retried with a fresh read', async () => {
    const name = `${PREFIX}web`;
    const keys = Array.from({ length: 5 }, (_, i) => `lab.concurrent.${i}`);
    const engine = t.app.get(SwarmEngine);
    const before = engine.callCount;
    await Promise.all(keys.map((k) => services.update(name, (s) => ({ ...s, Labels: { ...s.Labels, [k]: 'yes' } }))));
    // five reads of the same version: four updates are refused as out of sequence and retried
    expect(engine.callCount - before).toBeGreaterThan(keys.length * 2);
    const labels = (await raw(name)).Spec.Labels;
    expect(keys.filter((k) => labels[k] === 'yes')).toEqual(keys);
  });

  it('force-updates (every task replaced) and rolls back to the previous spec', async () => {
    const name = `${PREFIX}web`;
    const before = new Set((await services.tasks(name)).filter((x) => x.desiredState === 'running').map((x) => x.id));
    await services.forceUpdate(name);
    await eventually(
      async () => {
        const current = (await services.tasks(name)).filter((x) => x.desiredState === 'running' && x.state === 'running');
        return current.length === 3 && current.every((x) => !before.has(x.id));
      },
      90_000,
      'every task to be replaced',
    );

    await services.update(name, (s) => ({
      ...s,
      TaskTemplate: { ...s.TaskTemplate, ContainerSpec: { ...(s.TaskTemplate as any).ContainerSpec, Args: ['sleep', '7200'] } },
    }));
    expect((await raw(name)).Spec.TaskTemplate.ContainerSpec.Args).toEqual(['sleep', '7200']);
    await services.rollback(name);
    const rolled = await raw(name);
    expect(rolled.Spec.TaskTemplate.ContainerSpec.Args).toEqual(['sleep', '3600']);
    expect(rolled.PreviousSpec.TaskTemplate.ContainerSpec.Args).toEqual(['sleep', '7200']);
  });

  it('refuses to scale a global service, saying why, and a rollback with nothing to go back to', async () => {
    const name = `${PREFIX}global`;
    await services.create(spec(name, { global: true }));
    const scaled = await failure(services.scale(name, 2));
    expect([scaled?.code, scaled?.message]).toEqual([
      'INVALID',
      `service "${name}" is global: it runs one task per eligible node and cannot be scaled`,
    ]);
    const rollback = await failure(services.rollback(name));
    expect([rollback?.code, rollback?.message]).toEqual(['CONFLICT', `service "${name}" has no previous spec to roll back to`]);
    await services.remove(name);
  });

  it('reports a replica that keeps failing as failed, with the task error', async () => {
    const name = `${PREFIX}crash`;
    await services.create(spec(name, { args: ['sh', '-c', 'exit 3'], restart: { Condition: 'any', Delay: 100_000_000 } }));
    const result = await services.waitForConvergence(name, { timeoutMs: 60_000 });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^[01]\/1 replicas running; .*exit \(3\)/);
    expect(result.elapsedMs).toBeLessThan(60_000);
    await services.remove(name);
  });

  it('does not call a replica converged that runs for a moment and then crashes: it must keep running through the monitor window', async () => {
    const name = `${PREFIX}late-crash`;
    await services.create(spec(name, { args: ['sh', '-c', 'sleep 1; exit 3'], restart: { Condition: 'any', Delay: 100_000_000 } }));
    const result = await services.waitForConvergence(name, { timeoutMs: 60_000 });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^[01]\/1 replicas running; .*exit \(3\)/);
    await services.remove(name);
  });

  it('says how long the replicas were watched when they converge, and reports "not yet stable" at a timeout inside the window', async () => {
    const name = `${PREFIX}stable`;
    await services.create(spec(name, { args: ['sleep', '7200'] }));
    const done = await services.waitForConvergence(name, { timeoutMs: 60_000, stableMs: 1_000 });
    expect([done.outcome, done.message]).toEqual(['converged', '1/1 replicas running, stable for 1 s']);
    // a fresh wait watches afresh: inside its window the answer is "not yet stable", never converged
    const early = await services.waitForConvergence(name, { timeoutMs: 2_000, stableMs: 600_000 });
    expect([early.outcome, early.message]).toEqual(['timeout', '1/1 replicas running after 2000 ms; not yet stable for 600 s']);
    expect(done.elapsedMs).toBeGreaterThanOrEqual(1_000);
    await services.remove(name);
  });

  it('gives up at the timeout when no node satisfies the constraints, saying why', async () => {
    const name = `${PREFIX}nowhere`;
    await services.create(spec(name, { constraints: ['node.labels.lab.nosuch==yes'] }));
    const started = Date.now();
    const result = await services.waitForConvergence(name, { timeoutMs: 2_000 });
    expect(result.outcome).toBe('timeout');
    expect(result.message).toMatch(/^0\/1 replicas running after 2000 ms; /);
    expect(Date.now() - started).toBeLessThan(4_000);
    await services.remove(name);
  });

  it("answers INVALID with the Engine's message for a bad spec, and NOT_FOUND naming a missing service", async () => {
    const bad = await failure(services.create(spec(`${PREFIX}Bad_Name!`)));
    expect(bad?.code).toBe('INVALID');
    expect(bad?.message).toMatch(new RegExp(`^service "${PREFIX}Bad_Name!": .*name`, 'i'));
    for (const call of [
      services.inspect(`${PREFIX}nope`),
      services.tasks(`${PREFIX}nope`),
      services.remove(`${PREFIX}nope`),
      services.scale(`${PREFIX}nope`, 1),
    ]) {
      const e = await failure(call);
      expect([e?.code, e?.message]).toEqual(['NOT_FOUND', `service "${PREFIX}nope" not found`]);
    }
    const logs = await failure(
      (async () => {
        for await (const line of t.app.get(SwarmLogs).logs(`${PREFIX}nope`)) void line;
      })(),
    );
    expect(logs?.code).toBe('NOT_FOUND');
  });

  it('honours tail and since in logs', async () => {
    const name = `${PREFIX}ticker`;
    await services.create(spec(name, { args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.2; done'] }));
    const logs = t.app.get(SwarmLogs);
    const read = async (opts: object) => {
      const got = [];
      for await (const l of logs.logs(name, opts)) got.push(l);
      return got;
    };
    await eventually(async () => (await read({})).length >= 10, 60_000, 'ten log lines');
    const tail = await read({ tail: 3 });
    expect(tail).toHaveLength(3);
    expect(tail.every((l) => /^line-\d+$/.test(l.message) && l.taskSlot === 1 && l.stream === 'stdout')).toBe(true);
    const since = Math.floor(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, 2_500));
    const recent = await read({ since, timestamps: true });
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((l) => Date.parse(l.timestamp!) >= since * 1000)).toBe(true);
    const all = await read({});
    expect(recent.length).toBeLessThan(all.length);
    await services.remove(name);
  });

  it('answers 503 within DOCKER_TIMEOUT_MS while the manager hangs, and recovers when it resumes', async () => {
    const pid = labPid('mini2');
    process.kill(pid, 'SIGSTOP');
    try {
      for (const [path, call] of [
        ['/api/nodes', () => t.client.GET('/api/nodes')],
        ['/api/nodes/rog1', () => t.client.GET('/api/nodes/{id}', { params: { path: { id: 'rog1' } } })],
        ['/api/services/live', () => t.client.GET('/api/services/live')],
        [
          `/api/services/live/${PREFIX}web/tasks`,
          () => t.client.GET('/api/services/live/{name}/tasks', { params: { path: { name: `${PREFIX}web` } } }),
        ],
      ] as const) {
        const started = Date.now();
        const res = await call();
        expect([path, res.response.status]).toEqual([path, 503]);
        expect(errorOf(res).message).toMatch(/^Docker at unix:\/\/.*mini2.* did not answer within 1500 ms/);
        expect(Date.now() - started).toBeLessThan(2_500);
      }
      expect((await t.client.GET('/api/health')).response.status).toBe(200);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => (await t.client.GET('/api/nodes')).response.status === 200, 30_000, 'the nodes endpoint to answer again');
  });
});
