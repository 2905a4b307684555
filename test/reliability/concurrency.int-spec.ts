import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labDocker, removeServices } from '../fixtures/docker';
import { labWebImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-conc-';
jest.setTimeout(180_000);

describe('concurrency: 20 scales and 5 deploys of one service at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  it('answers all without a 5xx, and the file and the swarm agree on one of the requested counts', async () => {
    const name = `${PREFIX}web`;
    expect((await t.api('/api/services', { method: 'POST', json: { name, image: labWebImage(), deploy: { replicas: 1 } } })).status).toBe(201);
    expect((await t.api(`/api/services/${name}/deploy`, { method: 'POST' })).status).toBe(200);

    const requested = Array.from({ length: 20 }, (_, i) => i % 7);
    const answers = await Promise.all([
      ...requested.map((replicas) => t.api(`/api/services/${name}/scale`, { method: 'POST', json: { replicas } })),
      ...Array.from({ length: 5 }, () => t.api(`/api/services/${name}/deploy`, { method: 'POST' })),
    ]);
    for (const a of answers) {
      expect(a.status).toBeLessThan(500);
      if (a.status >= 400) expect(((await a.json()) as { message: string }).message.length).toBeGreaterThan(0);
    }
    const inFile = parse(readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8')).deploy.replicas;
    const inSwarm = ((await labDocker().getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas;
    expect(requested).toContain(inFile);
    expect(inSwarm).toBe(inFile);
    // and a deploy after the storm changes nothing: the hash label followed the scales
    expect(((await (await t.api(`/api/services/${name}/deploy`, { method: 'POST' })).json()) as { action: string }).action).toBe('unchanged');
  });
});
