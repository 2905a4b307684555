import { labDocker, removeServices } from '../fixtures/docker';
import { labImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-driftnet-';
const NETWORK = `${PREFIX}backend`;
jest.setTimeout(240_000);

type Drift = Array<{ path: string; definition?: unknown; deployed?: unknown }>;

/** The Engine keeps a service's networks by id, a definition names them: drift and dry runs compare names with names. */
describe('drift of a service on a named network', () => {
  let t: TestApp;
  const docker = labDocker();
  const name = `${PREFIX}web`;
  const definition = (env: string) => ({ name, image: labImage(), command: 'sleep 3600', environment: { MODE: env }, networks: [NETWORK] });

  beforeAll(async () => {
    await removeServices(PREFIX);
    await docker
      .getNetwork(NETWORK)
      .remove()
      .catch(() => undefined);
    await docker.createNetwork({ Name: NETWORK, Driver: 'overlay', Attachable: true });
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
    await removeServices(PREFIX);
    await docker
      .getNetwork(NETWORK)
      .remove()
      .catch(() => undefined);
  });

  it('shows no drift right after a deploy, and only the edited field after an edit (in the drift and in the dry run)', async () => {
    expect((await t.api('/api/services', { method: 'POST', json: definition('one') })).status).toBe(201);
    const deployed = await t.api(`/api/services/${name}/deploy?wait=true&timeout=120`, { method: 'POST' });
    expect(deployed.status).toBe(200);
    // the swarm really holds the network by id: the comparison has something to translate
    const spec = ((await docker.getService(name).inspect()) as { Spec: { TaskTemplate: { Networks: Array<{ Target: string }> } } }).Spec;
    expect(spec.TaskTemplate.Networks[0].Target).not.toBe(NETWORK);

    const fresh = (await (await t.api(`/api/services/${name}`)).json()) as { drift: Drift };
    expect(fresh.drift).toEqual([]);

    expect((await t.api(`/api/services/${name}`, { method: 'PUT', json: definition('two') })).status).toBe(200);
    const edited = (await (await t.api(`/api/services/${name}`)).json()) as { drift: Drift };
    expect(edited.drift.map((d) => d.path)).toEqual(['TaskTemplate.ContainerSpec.Env[0]']);
    const plan = (await (await t.api(`/api/services/${name}/deploy?dry_run=true`, { method: 'POST' })).json()) as { changes: Drift };
    expect(plan.changes.map((d) => d.path)).toEqual(['TaskTemplate.ContainerSpec.Env[0]']);
  });
});
