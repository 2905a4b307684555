import { strictMock } from '@app/common/testing';
import type { CatalogService } from '@app/catalog';
import type { RegistryClient } from '@app/registry';
import type { LiveService, SwarmServices, TaskSummary } from '@app/swarm';
import type { DeploymentPlanner } from '../services/deployment-planner';
import type { DeploymentService } from '../services/deployment.service';
import { ImageRedeploys } from './image-redeploys.service';

const HOST = 'r:5000';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const OLD = d('a');
const NEW = d('b');
const IMAGE = `${HOST}/web:1.4`;

const live = (digest: string): LiveService => ({
  id: 's1',
  name: 'web',
  image: IMAGE,
  imageDigest: digest,
  mode: 'replicated',
  replicasDesired: 2,
  replicasRunning: 2,
  ports: [],
  labels: {},
  version: 1,
});
const task = (id: string, over: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  serviceId: 's1',
  serviceName: 'web',
  desiredState: 'running',
  state: 'running',
  image: `${IMAGE}@${OLD}`,
  ...over,
});

function setup(opts: { image?: string; running?: LiveService[]; tag?: string | null; tasks?: TaskSummary[] } = {}) {
  const state = { services: opts.running ?? [live(OLD)] };
  const catalog = strictMock<CatalogService>('CatalogService', {
    definition: jest.fn(async () => ({ name: 'web', image: opts.image ?? IMAGE }) as never),
  });
  const swarm = strictMock<SwarmServices>('SwarmServices', {
    listLive: jest.fn(async () => state.services),
    tasks: jest.fn(async () => opts.tasks ?? [task('t1'), task('t2'), task('t0', { desiredState: 'shutdown', state: 'shutdown' })]),
  });
  const registry = strictMock<RegistryClient>('RegistryClient', {
    host: HOST,
    tagDigest: jest.fn(async () => (opts.tag === undefined ? NEW : opts.tag)),
  });
  const deployments = strictMock<DeploymentService>('DeploymentService', {
    deployService: jest.fn(),
    rollbackService: jest.fn(async () => {
      state.services = [live(OLD)];
      return {} as never;
    }),
  });
  const planner = strictMock<DeploymentPlanner>('DeploymentPlanner', {
    planDeploy: jest.fn(async (name: string) => ({
      dryRun: true as const,
      name,
      action: 'update' as const,
      summary: 'would update 1 field',
      changes: [{ path: 'TaskTemplate.ContainerSpec.Image', definition: `${IMAGE}@${NEW}`, deployed: `${IMAGE}@${OLD}` }],
      checks: [{ check: 'image', ok: true, message: 'ok' }],
    })),
  });
  const redeploys = new ImageRedeploys(catalog, swarm, registry, deployments, planner);
  return { redeploys, deployments, state };
}

describe('ImageRedeploys', () => {
  it('plans old → new digest with the tasks that would restart, and nothing when the tag names the running digest', async () => {
    const plan = await setup().redeploys.plan('web');
    expect(plan).toMatchObject({ dryRun: true, action: 'update', repository: 'web', tag: '1.4', fromDigest: OLD, toDigest: NEW });
    expect(plan.tasks!.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(plan.summary).toBe(`would roll "web" from ${'a'.repeat(12)} to ${'b'.repeat(12)} (web:1.4), restarting 2 task(s)`);

    const same = await setup({ tag: OLD }).redeploys.plan('web');
    expect(same).toMatchObject({ action: 'unchanged', changes: [], tasks: [] });
    expect(same.summary).toBe(`already runs ${'a'.repeat(12)}, the digest web:1.4 names: nothing would change`);
  });

  it('refuses what it cannot follow or roll: a digest in the definition, not deployed, a tag gone', async () => {
    await expect(setup({ image: `${HOST}/web@${OLD}` }).redeploys.plan('web')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `cannot redeploy "web" (${HOST}/web@${OLD}): pinned by digest (${'a'.repeat(12)}): not followed`,
    });
    await expect(setup({ image: 'nginx:1' }).redeploys.run('web', 'me')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `cannot redeploy "web" (nginx:1): on another registry (docker.io): not followed; only ${HOST} is`,
    });
    await expect(setup({ running: [] }).redeploys.run('web', 'me')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(setup({ tag: null }).redeploys.run('web', 'me')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'the tag "web:1.4" is not in the registry: nothing to redeploy to',
    });
  });

  it('deploys as the caller and answers the convergence', async () => {
    const { redeploys, deployments } = setup();
    (deployments.deployService as jest.Mock).mockResolvedValue({
      name: 'web',
      action: 'updated',
      imageDigest: NEW,
      historyId: 3,
      convergence: { outcome: 'converged', message: '2/2 replicas running' },
    });
    const result = await redeploys.run('web', 'mcp:alice (operator)', 30);
    expect(deployments.deployService).toHaveBeenCalledWith('web', { wait: true, timeoutSeconds: 30, actor: 'mcp:alice (operator)' });
    expect(result).toMatchObject({ outcome: 'redeployed', fromDigest: OLD, toDigest: NEW, historyId: 3 });
    expect(deployments.rollbackService).not.toHaveBeenCalled();
  });

  it("rolls back a redeploy that does not converge, the rollback's reason naming the digest and the task's error", async () => {
    const crashed = task('t3', { desiredState: 'shutdown', state: 'failed', error: 'task: non-zero exit (1)', image: `${IMAGE}@${NEW}` });
    const { redeploys, deployments, state } = setup({ tasks: [crashed] });
    (deployments.deployService as jest.Mock).mockImplementation(async () => {
      state.services = [live(NEW)];
      return {
        name: 'web',
        imageDigest: NEW,
        historyId: 4,
        convergence: { outcome: 'failed', message: '0/2 replicas running; update paused due to failure or early termination of task t3' },
      };
    });
    const result = await redeploys.run('web', 'registry');
    expect(deployments.rollbackService).toHaveBeenCalledWith(
      'web',
      'registry',
      `new digest sha256:${'b'.repeat(12)}… did not converge (0/2 replicas running; update paused due to failure or early termination of task t3; task: non-zero exit (1))`,
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', historyId: 4 });
    expect(result.message).toMatch(/; rolled back to a{12}$/);
  });
});
