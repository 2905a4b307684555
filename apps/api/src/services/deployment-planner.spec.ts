import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import { validateDefinition, type CatalogItem, type CatalogService, type ServiceDefinition } from '@app/catalog';
import type { ServiceState, SwarmServices, TaskSummary } from '@app/swarm';
import type { DeployPreflight } from './deploy-preflight';
import { DeploymentPlanner } from './deployment-planner';
import { desiredSpec } from './desired-spec';

const PINNED = 'r:5000/web:2@sha256:new';
const def = (extra: object = {}): ServiceDefinition =>
  validateDefinition({ name: 'web', image: 'r:5000/web:2', environment: { API_TOKEN: 's3cret' }, ...extra });
const task = (id: string, slot: number): TaskSummary => ({
  id,
  serviceId: 's1',
  serviceName: 'web',
  slot,
  desiredState: 'running',
  state: 'running',
});

/** The planner over loud mocks: nothing that writes (create, update, scale, remove, setReplicas, patch) is stubbed, so a plan that tried would throw. */
function setup(existing: ServiceState | undefined, definition = def()) {
  const catalog = strictMock<CatalogService>('CatalogService', {
    definition: async () => definition,
    get: async () => ({ name: 'web', text: '', definition }) as CatalogItem,
  });
  const services = strictMock<SwarmServices>('SwarmServices', {
    inspect: () => (existing ? Promise.resolve(existing) : Promise.reject(new DomainError('NOT_FOUND', 'service "web" not found'))),
    tasks: async () => [task('t1', 1), task('t2', 2), task('t3', 3)],
    rollbackTarget: async () => ({ current: existing!, previous: { ...existing!.spec, Labels: { team: 'a' } } }),
  });
  const preflight = strictMock<DeployPreflight>('DeployPreflight', {
    run: async () => ({
      image: PINNED,
      digest: 'sha256:new',
      verdicts: [
        { check: 'image', ok: true, message: 'ok' },
        { check: 'ports', ok: false, code: 'CONFLICT', message: 'ports: 80/tcp is already published by service "x"' },
      ],
    }),
  });
  return new DeploymentPlanner(catalog, services, preflight);
}
const running = (image: string, replicas = 3): ServiceState => {
  const { spec } = desiredSpec(def({ image: image.split('@')[0] }), image);
  return { id: 's1', name: 'web', version: 9, spec, image, labels: spec.Labels ?? {}, mode: 'replicated', replicas };
};

describe('DeploymentPlanner', () => {
  it("plans a deploy of a changed image as that one field, with every check's verdict and the refusal in the summary", async () => {
    const plan = await setup(running('r:5000/web:1@sha256:old')).planDeploy('web');
    expect(plan).toMatchObject({
      dryRun: true,
      action: 'update',
      changes: [{ path: 'TaskTemplate.ContainerSpec.Image', definition: PINNED, deployed: 'r:5000/web:1@sha256:old' }],
    });
    expect(plan.checks!.map((c) => [c.check, c.ok])).toEqual([
      ['image', true],
      ['ports', false],
    ]);
    expect(plan.summary).toBe('would be refused: ports: 80/tcp is already published by service "x"');
  });

  it('plans nothing for a deploy the swarm already runs, and a create field by field with secrets masked', async () => {
    expect((await setup(running(PINNED)).planDeploy('web')).action).toBe('unchanged');
    const create = await setup(undefined).planDeploy('web');
    expect(create.action).toBe('create');
    expect(create.changes.map((c) => c.path)).toEqual(['Name', 'Labels', 'TaskTemplate', 'Mode']);
    expect(JSON.stringify(create.changes)).not.toContain('s3cret');
  });

  it("plans an agent's image deploy from the definition it would write, without writing it", async () => {
    const plan = await setup(running(PINNED)).planDeployImage('web', 'r:5000/web:2', 5);
    expect(plan.changes.map((c) => [c.path, c.definition])).toEqual([['Mode.Replicated.Replicas', 5]]);
  });

  it('plans a scale as the replicas field, listing the tasks of which some would stop', async () => {
    const down = await setup(running(PINNED)).planScale('web', 1);
    expect(down).toMatchObject({
      action: 'scale',
      changes: [{ path: 'Mode.Replicated.Replicas', definition: 1, deployed: 3 }],
      summary: 'would stop 2 of these 3 tasks (the swarm chooses which)',
    });
    expect(down.tasks!.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect((await setup(running(PINNED)).planScale('web', 5)).tasks).toEqual([]);
    expect(await setup(undefined).planScale('web', 4)).toMatchObject({
      action: 'scale',
      changes: [{ path: 'deploy.replicas', definition: 4, deployed: 1 }],
    });
    await expect(setup(undefined, def({ deploy: { mode: 'global' } })).planScale('web', 2)).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('plans a stop as the tasks that would stop, and nothing for a service not deployed', async () => {
    expect((await setup(running(PINNED)).planStop('web')).tasks!.length).toBe(3);
    expect(await setup(undefined).planStop('web')).toMatchObject({ action: 'none', changes: [] });
  });

  it('plans a rollback as the fields that would return', async () => {
    const plan = await setup(running(PINNED)).planRollback('web');
    expect(plan.changes.map((c) => c.path)).toEqual(['Labels.team']);
  });
});
