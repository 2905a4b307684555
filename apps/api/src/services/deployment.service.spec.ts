import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import { validateDefinition, type CatalogItem, type CatalogService, type ServiceDefinition } from '@app/catalog';
import type { ServiceState, SwarmServices } from '@app/swarm';
import { composeToSwarmSpec, SPEC_HASH_LABEL, specHash } from './compose-to-swarm-spec';
import type { DeployPreflight } from './deploy-preflight';
import { DeploymentService, scaledLabels } from './deployment.service';

const def = (extra: object = {}): ServiceDefinition => validateDefinition({ name: 'web', image: 'r:5000/web:1', ...extra });
const PINNED = 'r:5000/web:1@sha256:abc';
const hashOf = (d: ServiceDefinition, image = PINNED) => specHash(composeToSwarmSpec(d, image));
const state = (labels: Record<string, string>, extra: Partial<ServiceState> = {}): ServiceState => ({
  id: 's1',
  name: 'web',
  version: 7,
  spec: { Name: 'web', Labels: labels },
  image: PINNED,
  labels,
  mode: 'replicated',
  replicas: 1,
  ...extra,
});
const notFound = () => Promise.reject(new DomainError('NOT_FOUND', 'service "web" not found'));

/** The deployment service over loud mocks: the catalog keeps history in `ends`, the swarm answers `existing`. */
function setup(opts: { definition?: ServiceDefinition; existing?: ServiceState; preflight?: () => Promise<never> } = {}) {
  const definition = opts.definition ?? def();
  const starts: Array<{ action: string; actor?: string; image?: string }> = [];
  const ends: Array<{ id: number; status: string; message?: string }> = [];
  const catalog = strictMock<CatalogService>('CatalogService', {
    definition: jest.fn(async () => definition),
    get: jest.fn(async () => ({ name: 'web', text: '', definition }) as CatalogItem),
    recordDeployStart: jest.fn(async (_name: string, action: string, d: { actor?: string; image?: string } = {}) => {
      starts.push({ action, actor: d.actor, image: d.image });
      return 41 + starts.length;
    }),
    recordDeployEnd: jest.fn(
      async (id: number, status: string, d: { message?: string } = {}) => void ends.push({ id, status, message: d.message }),
    ),
    markDeployed: jest.fn(async () => undefined),
    setReplicas: jest.fn(async () => ({ name: 'web', text: '' })),
  });
  const services = strictMock<SwarmServices>('SwarmServices', {
    inspect: jest.fn(() => (opts.existing ? Promise.resolve(opts.existing) : notFound())),
    exists: jest.fn(async () => !!opts.existing),
    create: jest.fn(async () => ({ id: 's1', warnings: [] })),
    update: jest.fn(async () => ({ warnings: ['w'] })),
    scale: jest.fn(async () => undefined),
    remove: jest.fn(async () => undefined),
  });
  const preflight = strictMock<DeployPreflight>('DeployPreflight', {
    run: jest.fn(opts.preflight ?? (async () => ({ image: PINNED, digest: 'sha256:abc', verdicts: [] }))),
    registryAuth: () => undefined,
  });
  return { service: new DeploymentService(catalog, services, preflight), catalog, services, starts, ends, definition };
}

describe('DeploymentService.deployService', () => {
  it('creates an absent service with the spec-hash label, pinned image, and a succeeded history record naming the actor', async () => {
    const { service, services, catalog, starts, ends, definition } = setup();
    const result = await service.deployService('web', { actor: 'alice (operator, REST)' });
    expect(result).toMatchObject({ name: 'web', action: 'created', image: PINNED, imageDigest: 'sha256:abc', historyId: 42 });
    const spec = (services.create as jest.Mock).mock.calls[0][0];
    expect(spec.Labels[SPEC_HASH_LABEL]).toBe(hashOf(definition));
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(PINNED);
    expect(services.update).not.toHaveBeenCalled();
    expect(catalog.markDeployed).toHaveBeenCalledWith('web', { specHash: hashOf(definition), image: PINNED, digest: 'sha256:abc' });
    expect(starts).toEqual([{ action: 'deploy', actor: 'alice (operator, REST)', image: 'r:5000/web:1' }]);
    expect(ends).toEqual([{ id: 42, status: 'succeeded', message: 'created (not waited for)' }]);
  });

  it('updates a deployed service whose spec-hash label differs', async () => {
    const { service, services, ends } = setup({ existing: state({ [SPEC_HASH_LABEL]: 'an older hash' }) });
    const result = await service.deployService('web');
    expect(result.action).toBe('updated');
    expect(result.warnings).toEqual(['w']);
    expect(services.create).not.toHaveBeenCalled();
    expect((services.update as jest.Mock).mock.calls[0][0]).toBe('web');
    expect(ends[0]).toMatchObject({ status: 'succeeded', message: 'updated (not waited for)' });
  });

  it('leaves a deployed service alone when its label carries the same hash', async () => {
    const { service, services, definition } = setup({ existing: state({ [SPEC_HASH_LABEL]: hashOf(def()) }) });
    expect(hashOf(definition)).toBe(hashOf(def()));
    const result = await service.deployService('web');
    expect(result.action).toBe('unchanged');
    expect(services.create).not.toHaveBeenCalled();
    expect(services.update).not.toHaveBeenCalled();
  });

  it('records a refusal as a failed deploy with the reason, and touches nothing', async () => {
    const refusal = new DomainError('INVALID', 'image: "r:5000/web:1" does not exist in the registry r:5000');
    const { service, services, catalog, starts, ends } = setup({ preflight: () => Promise.reject(refusal) });
    await expect(service.deployService('web', { actor: 'mcp:bot (operator)' })).rejects.toBe(refusal);
    expect(starts).toEqual([{ action: 'deploy', actor: 'mcp:bot (operator)', image: 'r:5000/web:1' }]);
    expect(ends).toEqual([{ id: 42, status: 'failed', message: refusal.message }]);
    expect(services.create).not.toHaveBeenCalled();
    expect(catalog.markDeployed).not.toHaveBeenCalled();
  });
});

describe('DeploymentService.scaleService', () => {
  it('refuses a global service before touching the file or the swarm', async () => {
    const { service, catalog, services, starts } = setup({ definition: def({ deploy: { mode: 'global' } }) });
    await expect(service.scaleService('web', 3)).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('is global') });
    expect(catalog.setReplicas).not.toHaveBeenCalled();
    expect(services.scale).not.toHaveBeenCalled();
    expect(starts).toEqual([]);
  });

  it('scales a deployed service in the file and the swarm through the one scale path, with history naming the actor', async () => {
    const { service, catalog, services, starts, ends } = setup({ existing: state({}) });
    (services as { listLive?: unknown }).listLive = jest.fn(async () => []);
    await service.scaleService('web', 3, 'local (MCP stdio)');
    expect(catalog.setReplicas).toHaveBeenCalledWith('web', 3);
    expect((services.scale as jest.Mock).mock.calls[0].slice(0, 2)).toEqual(['web', 3]);
    expect(starts).toEqual([{ action: 'scale', actor: 'local (MCP stdio)', image: 'r:5000/web:1' }]);
    expect(ends[0]).toMatchObject({ status: 'succeeded', message: 'scaled to 3' });
  });

  it('only writes the file, with no history, when the service is not deployed', async () => {
    const { service, catalog, services, starts } = setup();
    (services as { listLive?: unknown }).listLive = jest.fn(async () => []);
    await service.scaleService('web', 2);
    expect(catalog.setReplicas).toHaveBeenCalledWith('web', 2);
    expect(services.scale).not.toHaveBeenCalled();
    expect(starts).toEqual([]);
  });
});

describe('scaledLabels (the spec-hash label after a scale)', () => {
  const before = def({ deploy: { replicas: 1 } });
  const after = def({ deploy: { replicas: 3 } });

  it('follows the definition when the swarm ran the old definition exactly, so the next deploy is unchanged', () => {
    const labels = scaledLabels(state({ [SPEC_HASH_LABEL]: hashOf(before), team: 'a' }), before, after);
    expect(labels).toEqual({ [SPEC_HASH_LABEL]: hashOf(after), team: 'a' });
  });

  it('is cleared when the swarm had drifted, so the next deploy updates', () => {
    const labels = scaledLabels(state({ [SPEC_HASH_LABEL]: 'something else' }), before, after);
    expect(labels[SPEC_HASH_LABEL]).toBe('');
  });
});

describe('DeploymentService.stopService', () => {
  it('answers stopped: false and records nothing when the service is not deployed', async () => {
    const { service, services, starts } = setup();
    expect(await service.stopService('web', 'alice (operator, REST)')).toEqual({ name: 'web', stopped: false });
    expect(services.remove).not.toHaveBeenCalled();
    expect(starts).toEqual([]);
  });

  it('removes a deployed service, forgets what was deployed, and records a failure when the swarm refuses', async () => {
    const { service, services, catalog, ends } = setup({ existing: state({}) });
    expect(await service.stopService('web')).toEqual({ name: 'web', stopped: true });
    expect(catalog.markDeployed).toHaveBeenCalledWith('web', { specHash: null, image: null, digest: null });
    (services.remove as jest.Mock).mockRejectedValueOnce(new DomainError('UNAVAILABLE', 'Docker is unreachable'));
    await expect(service.stopService('web')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(ends.map((e) => e.status)).toEqual(['succeeded', 'failed']);
  });
});
