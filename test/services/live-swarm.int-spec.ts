import { dockerCli, labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-live-';
jest.setTimeout(240_000);

type EngineService = {
  Version: { Index: number };
  Spec: { Mode?: { Replicated?: { Replicas?: number } }; Labels?: Record<string, string> };
};

/** A service made with the docker CLI: what an operator does to it from the app, and its import into the catalog. */
describe('live services outside the catalog, on the lab', () => {
  let t: TestApp;
  const docker = labDocker();
  const inspect = async (name: string) => (await docker.getService(name).inspect()) as EngineService;
  const exists = (name: string) =>
    inspect(name).then(
      () => true,
      () => false,
    );
  const cliCreate = (name: string, extra: string[] = []) =>
    dockerCli([
      'service',
      'create',
      '--quiet',
      '--detach',
      '--name',
      name,
      '--stop-grace-period',
      '1s',
      ...extra,
      labImage(),
      'sh',
      '-c',
      `echo hello-${name}; sleep 3600`,
    ]);
  const runningTasks = async (name: string) =>
    (await docker.listTasks({ filters: { service: [name], 'desired-state': ['running'] } })).filter(
      (x: { Status?: { State?: string } }) => x.Status?.State === 'running',
    ).length;

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  it('scales a CLI service with the catalog rules, shows its logs (also followed), plans its removal without changing it, then removes it', async () => {
    const name = `${PREFIX}cli`;
    cliCreate(name);
    await eventually(async () => (await runningTasks(name)) === 1, 60_000, 'the CLI service to run');

    const bad = await t.api(`/api/services/live/${name}/scale`, { method: 'POST', json: { replicas: -1 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/replicas/);

    const scaled = await t.api(`/api/services/live/${name}/scale`, { method: 'POST', json: { replicas: 2 } });
    expect(scaled.status).toBe(200);
    expect(await scaled.json()).toMatchObject({ name, replicasDesired: 2 });
    expect((await inspect(name)).Spec.Mode?.Replicated?.Replicas).toBe(2);
    await eventually(async () => (await runningTasks(name)) === 2, 60_000, 'two replicas');

    const lines = await eventually(
      async () => {
        const res = await t.api(`/api/services/live/${name}/logs?tail=10`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as Array<{ message: string }>;
        return body.some((l) => l.message.includes(`hello-${name}`)) && body;
      },
      30_000,
      'the hello line in the logs',
    );
    expect(lines.length).toBeGreaterThan(0);

    // follow: Server-Sent Events, as a catalog service's logs
    const controller = new AbortController();
    const follow = await t.api(`/api/services/live/${name}/logs?follow=true&tail=5`, { signal: controller.signal });
    expect(follow.headers.get('content-type')).toContain('text/event-stream');
    const reader = follow.body!.getReader();
    let text = '';
    while (!text.includes(`hello-${name}`)) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: line');
    controller.abort();

    const before = (await inspect(name)).Version.Index;
    const plan = await t.api(`/api/services/live/${name}?dry_run=true`, { method: 'DELETE' });
    expect(plan.status).toBe(200);
    const p = (await plan.json()) as { dryRun: boolean; action: string; tasks: Array<{ serviceName: string }> };
    expect(p).toMatchObject({ dryRun: true, action: 'stop' });
    expect(p.tasks).toHaveLength(2);
    expect((await inspect(name)).Version.Index).toBe(before);

    const removed = await t.api(`/api/services/live/${name}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ name, removed: true });
    expect(await exists(name)).toBe(false);
    expect((await t.api(`/api/services/live/${name}`, { method: 'DELETE' })).status).toBe(404);

    // who did what is in the audit log, searched in the database
    const audit = await t.api(`/api/audit?q=${encodeURIComponent('/api/services/live')}&action=DELETE&limit=5`);
    const page = (await audit.json()) as {
      total: number;
      entries: Array<{ action: string; target: string; params?: { query?: unknown } }>;
    };
    expect(page.entries.map((e) => [e.action, e.target])).toEqual([
      ['DELETE /api/services/live/:name', name],
      ['DELETE /api/services/live/:name', name],
      ['DELETE /api/services/live/:name', name],
    ]);
    expect((await (await t.api('/api/audit?actor=nobody-at-all')).json()) as { total: number }).toMatchObject({ total: 0 });
    expect((await t.api('/api/audit?limit=0')).status).toBe(400);
  });

  it('imports a CLI service into the catalog: listed as a catalog service without drift, and its deploy changes nothing', async () => {
    const name = `${PREFIX}imp`;
    cliCreate(name, [
      '--replicas',
      '2',
      '--env',
      'GREETING=hi there',
      '--label',
      'team=ops',
      '--publish',
      'mode=host,target=8080,published=18091',
    ]);
    await eventually(async () => (await runningTasks(name)) === 2, 60_000, 'the CLI service to run');
    const tasksBefore = (await docker.listTasks({ filters: { service: [name] } })).map((x: { ID: string }) => x.ID).sort();

    const res = await t.api(`/api/services/live/${name}/import`, { method: 'POST' });
    expect(res.status).toBe(200);
    const imported = (await res.json()) as { name: string; ignored: string[]; service: { status: string } };
    expect(imported).toMatchObject({ name, ignored: [], service: { status: 'running' } });

    const list = (await (await t.api('/api/services')).json()) as Array<{ name: string; drift: number | null; status: string }>;
    expect(list.find((s) => s.name === name)).toMatchObject({ drift: 0, status: 'running' });
    const detail = (await (await t.api(`/api/services/${name}`)).json()) as { drift: unknown[]; definition: Record<string, unknown> };
    expect(detail.drift).toEqual([]);
    expect(detail.definition).toMatchObject({ environment: ['GREETING=hi there'], deploy: { replicas: 2, labels: { team: 'ops' } } });

    const version = (await inspect(name)).Version.Index;
    const deploy = await t.api(`/api/services/${name}/deploy?wait=true&timeout=60`, { method: 'POST' });
    expect(deploy.status).toBe(200);
    expect(await deploy.json()).toMatchObject({ action: 'unchanged' });
    expect((await inspect(name)).Version.Index).toBe(version);
    expect((await docker.listTasks({ filters: { service: [name] } })).map((x: { ID: string }) => x.ID).sort()).toEqual(tasksBefore);

    // the history says who imported it
    const history = (await (await t.api(`/api/services/${name}/history`)).json()) as Array<{ actor?: string; message?: string }>;
    expect(history.some((h) => /imported from the swarm/.test(h.message ?? '') && /admin/.test(h.actor ?? ''))).toBe(true);

    // once in the catalog, the live routes refuse and point at the catalog's
    const again = await t.api(`/api/services/live/${name}/import`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain('already has a service');
    const scale = await t.api(`/api/services/live/${name}/scale`, { method: 'POST', json: { replicas: 1 } });
    expect(scale.status).toBe(409);
    expect(((await scale.json()) as { message: string }).message).toContain(`/api/services/${name}/scale`);

    // the drift count follows an edit of the definition, with no redeploy
    const yaml = await (await t.api(`/api/services/${name}`)).json();
    const edited = { ...(yaml as { definition: Record<string, unknown> }).definition, environment: ['GREETING=changed'] };
    expect((await t.api(`/api/services/${name}`, { method: 'PUT', json: edited })).status).toBe(200);
    const after = (await (await t.api('/api/services')).json()) as Array<{ name: string; drift: number | null }>;
    expect(after.find((s) => s.name === name)?.drift).toBe(1);
  });

  it('refuses to import a stack service, naming the stack', async () => {
    const name = `${PREFIX}stk_web`;
    cliCreate(name, ['--label', `com.docker.stack.namespace=${PREFIX}stk`]);
    const res = await t.api(`/api/services/live/${name}/import`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain(`belongs to the stack "${PREFIX}stk"`);
    const catalog = (await (await t.api('/api/services')).json()) as Array<{ name: string }>;
    expect(catalog.map((s) => s.name)).not.toContain(name);
  });
});
