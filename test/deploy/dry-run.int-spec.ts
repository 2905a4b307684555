import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-plan-';
jest.setTimeout(240_000);

type Plan = {
  dryRun: true;
  action: string;
  summary: string;
  changes: Array<{ path: string; definition?: unknown; deployed?: unknown }>;
  checks?: Array<{ check: string; ok: boolean }>;
  tasks?: Array<{ id: string; serviceName?: string }>;
};
type EngineService = { Version: { Index: number }; Spec: Record<string, unknown> };

/** Leaf paths where two specs differ, in the drift format's notation (our own spec-hash label aside). */
function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      changedPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
      ),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}
const ours = (paths: string[]) => paths.filter((p) => !p.includes('spec-hash')).sort();

/** Plan before apply: a dry run says what would change, changes nothing, and applying changes exactly that. */
describe('dry runs on the lab', () => {
  let t: TestApp;
  const docker = labDocker();
  const inspect = async (name: string) => (await docker.getService(name).inspect()) as EngineService;
  const post = async (path: string, json?: unknown) => {
    const res = await t.api(path, { method: 'POST', ...(json !== undefined ? { json } : {}) });
    expect(res.status).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.api('/api/nodes/spark1/activate', { method: 'POST' });
    await removeServices(PREFIX);
    await t?.close();
  });

  it('deploy: a new service plans a create with passing checks; a changed image plans exactly the image field, and applying changes only that', async () => {
    const name = `${PREFIX}web`;
    const def = { name, image: labImage(), command: ['sleep', '3600'], stop_grace_period: '1s', deploy: { replicas: 1 } };
    expect((await t.api('/api/services', { method: 'POST', json: def })).status).toBe(201);
    const create = (await post(`/api/services/${name}/deploy?dry_run=true`)) as Plan;
    expect(create).toMatchObject({ dryRun: true, action: 'create' });
    expect(create.checks!.map((c) => [c.check, c.ok])).toEqual([
      ['image', true],
      ['placement', true],
      ['platform', true],
      ['ports', true],
    ]);
    expect((await docker.listServices({ filters: { name: [name] } })).length).toBe(0);

    await post(`/api/services/${name}/deploy?wait=true&timeout=60`);
    const newer = labImage().replace(/:[^:/]+$/, ':latest');
    expect((await t.api(`/api/services/${name}`, { method: 'PUT', json: { ...def, image: newer } })).status).toBe(200);
    const before = await inspect(name);
    const plan = (await post(`/api/services/${name}/deploy?dry_run=true`)) as Plan;
    expect(plan.action).toBe('update');
    expect(plan.changes.map((c) => c.path)).toEqual(['TaskTemplate.ContainerSpec.Image']);
    expect(String(plan.changes[0].definition)).toContain(':latest@sha256:');
    expect((await inspect(name)).Version.Index).toBe(before.Version.Index);

    await post(`/api/services/${name}/deploy?wait=true&timeout=60`);
    expect(ours(changedPaths(before.Spec, (await inspect(name)).Spec))).toEqual(plan.changes.map((c) => c.path));
    expect(((await post(`/api/services/${name}/deploy?dry_run=true`)) as Plan).action).toBe('unchanged');
  });

  it('scale, stop and rollback: each plans what it would do and leaves the service version as it was', async () => {
    const name = `${PREFIX}web`;
    const before = await inspect(name);
    const scale = (await post(`/api/services/${name}/scale?dry_run=true`, { replicas: 2 })) as Plan;
    expect(scale).toMatchObject({
      action: 'scale',
      changes: [{ path: 'Mode.Replicated.Replicas', definition: 2, deployed: 1 }],
      tasks: [],
    });
    const stop = (await post(`/api/services/${name}/stop?dry_run=true`)) as Plan;
    expect(stop.action).toBe('stop');
    expect(stop.tasks!.length).toBe(1);
    const rollback = (await post(`/api/services/${name}/rollback?dry_run=true`)) as Plan;
    expect(rollback.changes.map((c) => c.path)).toContain('TaskTemplate.ContainerSpec.Image');
    expect((await inspect(name)).Version.Index).toBe(before.Version.Index);

    await post(`/api/services/${name}/scale`, { replicas: 2 });
    expect(ours(changedPaths(before.Spec, (await inspect(name)).Spec))).toEqual(['Mode.Replicated.Replicas']);
  });

  it('drain: a dry run lists the tasks on the worker; applying moves exactly those', async () => {
    const name = `${PREFIX}spread`;
    const def = {
      name,
      image: labImage(),
      command: ['sleep', '3600'],
      stop_grace_period: '1s',
      deploy: { replicas: 4, placement: { constraints: ['node.role==worker'] } },
    };
    expect((await t.api('/api/services', { method: 'POST', json: def })).status).toBe(201);
    await post(`/api/services/${name}/deploy?wait=true&timeout=90`);
    const plan = (await post('/api/nodes/spark1/drain?dry_run=true')) as Plan;
    expect(plan).toMatchObject({
      dryRun: true,
      action: 'drain',
      changes: [{ path: 'Spec.Availability', definition: 'drain', deployed: 'active' }],
    });
    expect(plan.tasks!.some((task) => task.serviceName === name)).toBe(true);
    const node = (await t.api('/api/nodes/spark1')).json();
    expect(((await node) as { availability: string }).availability).toBe('active');

    await post('/api/nodes/spark1/drain');
    const planned = plan.tasks!.map((task) => task.id).sort();
    const moved = await eventually(
      async () => {
        const tasks = (await docker.listTasks({ filters: JSON.stringify({ node: ['spark1'] }) })) as Array<{
          ID: string;
          DesiredState: string;
        }>;
        const stopping = tasks
          .filter((task) => planned.includes(task.ID) && task.DesiredState !== 'running')
          .map((task) => task.ID)
          .sort();
        return stopping.length === planned.length && stopping;
      },
      60_000,
      'the planned tasks to leave spark1',
    );
    expect(moved).toEqual(planned);
  });
});
