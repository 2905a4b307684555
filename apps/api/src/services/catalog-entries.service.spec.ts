import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import { validateDefinition, type CatalogItem, type CatalogService } from '@app/catalog';
import type { RegistryClient } from '@app/registry';
import type { LiveService, SwarmServices } from '@app/swarm';
import { ImageUpdateState } from '../images/image-update-state';
import type { ImageUpdateDto } from '../images/image-update.dto';
import { MASK } from '../common/mask-secrets';
import { CatalogEntriesService } from './catalog-entries.service';
import type { DeploymentService } from './deployment.service';

const TEXT = 'name: web\nimage: r:5000/web:1\nenvironment:\n  DB_PASSWORD: hunter2\n  MODE: prod\n';
const item = (): CatalogItem => ({
  name: 'web',
  text: TEXT,
  definition: validateDefinition({ name: 'web', image: 'r:5000/web:1', environment: { DB_PASSWORD: 'hunter2', MODE: 'prod' } }),
});
const web: LiveService = {
  id: 's1',
  name: 'web',
  image: 'r:5000/web',
  mode: 'replicated',
  replicasDesired: 2,
  replicasRunning: 1,
  ports: [],
  labels: {},
  version: 3,
};

function setup(swarm: Partial<SwarmServices> = {}) {
  const created: unknown[] = [];
  const catalog = strictMock<CatalogService>('CatalogService', {
    list: jest.fn(async () => [item()]),
    get: jest.fn(async () => item()),
    create: jest.fn(async (input: string | object) => {
      const def = validateDefinition(input);
      created.push(def.name);
      return { name: def.name, text: '' };
    }),
    replace: jest.fn(async () => item()),
    remove: jest.fn(async () => undefined),
  });
  const services = strictMock<SwarmServices>('SwarmServices', swarm);
  const deployments = strictMock<DeploymentService>('DeploymentService', {
    stopService: jest.fn(async (name: string) => ({ name, stopped: true })),
  });
  const imageUpdates = new ImageUpdateState(strictMock<RegistryClient>('RegistryClient', { host: 'r:5000' }));
  return { entries: new CatalogEntriesService(catalog, services, deployments, imageUpdates), catalog, deployments, created, imageUpdates };
}

describe('CatalogEntriesService', () => {
  it('lists the catalog with live status, and still lists it (status unknown) with Docker unreachable', async () => {
    const up = setup({ listLive: async () => [web] });
    expect((await up.entries.listServices())[0]).toMatchObject({ name: 'web', status: 'degraded', statusText: 'running 1 of 2' });
    const down = setup({ listLive: () => Promise.reject(new DomainError('UNAVAILABLE', 'Docker is unreachable')) });
    expect((await down.entries.listServices())[0]).toMatchObject({ name: 'web', status: 'unknown' });
  });

  it('carries the image-update state in the answer: the pending update, or why the image is not followed', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const pending = { service: 'web', availableDigest: `sha256:${'b'.repeat(64)}` } as ImageUpdateDto;
    const followed = setup({ listLive: async () => [{ ...web, image: 'r:5000/web:1', imageDigest: digest }] });
    expect((await followed.entries.listServices())[0]).not.toHaveProperty('imageNotFollowed');
    followed.imageUpdates.set(pending);
    expect((await followed.entries.listServices())[0].imageUpdate).toBe(pending);
    const cases: Array<[Partial<LiveService>, string]> = [
      [{ image: 'r:5000/web', imageDigest: digest }, 'pinned by digest (aaaaaaaaaaaa): not followed'],
      [{ image: 'docker.io/library/nginx:1', imageDigest: digest }, 'on another registry (docker.io): not followed; only r:5000 is'],
      [{ image: 'nginx:1', imageDigest: digest }, 'on another registry (docker.io): not followed; only r:5000 is'],
      [{ image: 'r:5000/web:1' }, 'deployed without a pinned digest (the swarm resolves the tag at each task start): not followed'],
    ];
    for (const [live, reason] of cases) {
      const { entries } = setup({ listLive: async () => [{ ...web, ...live }] });
      expect((await entries.listServices())[0]).toMatchObject({ imageNotFollowed: reason });
      expect((await entries.listServices())[0]).not.toHaveProperty('imageUpdate');
    }
  });

  it('masks secret values in the YAML and the parsed definition of a service that is not deployed', async () => {
    const { entries } = setup({ listLive: async () => [] });
    const detail = await entries.getService('web');
    expect(detail.yaml).toContain(`DB_PASSWORD: ${MASK}`);
    expect(detail.yaml).not.toContain('hunter2');
    expect(detail.definition).toMatchObject({ environment: { DB_PASSWORD: MASK, MODE: 'prod' } });
    expect([detail.status, detail.tasks, detail.drift]).toEqual(['not_deployed', [], []]);
  });

  it('keeps the stored secret when an edit sends the mask back', async () => {
    const { entries, catalog } = setup({ listLive: async () => [] });
    await entries.updateService('web', TEXT.replace('hunter2', MASK).replace('prod', 'staging'));
    const written = (catalog.replace as jest.Mock).mock.calls[0][1] as string;
    expect(written).toContain('DB_PASSWORD: hunter2');
    expect(written).toContain('MODE: staging');
  });

  it('refuses to delete a deployed service without force; with force it stops it first, as the caller', async () => {
    const { entries, catalog, deployments } = setup({ exists: async () => true });
    await expect(entries.deleteService('web')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(catalog.remove).not.toHaveBeenCalled();
    await entries.deleteService('web', true, 'root (admin, REST)');
    expect(deployments.stopService).toHaveBeenCalledWith('web', 'root (admin, REST)');
    expect(catalog.remove).toHaveBeenCalledWith('web');
  });

  const twoServices = 'services:\n  api:\n    image: r:5000/api:1\n  bad:\n    image: r:5000/bad:1\n    privileged: true\n';

  it('offers a file with several services as a stack and writes nothing', async () => {
    const { entries, created } = setup();
    const report = await entries.importCompose(twoServices);
    expect(created).toEqual([]);
    expect(report).toMatchObject({ created: [], refused: [], stack: { suggested: true, services: ['api', 'bad'] } });
  });

  it('imports a compose file split (split=true): one entry per valid service, each refusal with its reason', async () => {
    const { entries, created } = setup();
    const report = await entries.importCompose(twoServices, true);
    expect(created).toEqual(['api']);
    expect(report.created).toEqual(['api']);
    expect(report.refused).toEqual([{ name: 'bad', reason: 'privileged: unknown key (not supported in a service definition)' }]);
  });

  it('refuses a compose file without a services mapping', async () => {
    const { entries } = setup();
    await expect(entries.importCompose('version: "3"\n')).rejects.toMatchObject({
      code: 'INVALID',
      message: 'services: a compose file needs a services mapping',
    });
  });
});
