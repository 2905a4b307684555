import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labDocker } from '../fixtures/docker';
import { labWebImage } from '../fixtures/lab';
import { errorOf } from '../fixtures/api-client';
import { suiteTestApp } from '../fixtures/test-app';

const PREFIX = 't-conc-';
jest.setTimeout(180_000);

describe('concurrency: 20 scales and 5 deploys of one service at once', () => {
  const t = suiteTestApp(PREFIX);

  it('answers all without a 5xx, and the file and the swarm agree on one of the requested counts', async () => {
    const name = `${PREFIX}web`;
    expect((await t.client.POST('/api/services', { body: { name, image: labWebImage(), deploy: { replicas: 1 } } })).response.status).toBe(
      201,
    );
    const path = { name };
    expect((await t.client.POST('/api/services/{name}/deploy', { params: { path } })).response.status).toBe(200);

    const requested = Array.from({ length: 20 }, (_, i) => i % 7);
    const answers = await Promise.all([
      ...requested.map((replicas) => t.client.POST('/api/services/{name}/scale', { params: { path }, body: { replicas } })),
      ...Array.from({ length: 5 }, () => t.client.POST('/api/services/{name}/deploy', { params: { path } })),
    ]);
    for (const a of answers) {
      expect(a.response.status).toBeLessThan(500);
      if (a.response.status >= 400) expect(errorOf(a).message.length).toBeGreaterThan(0);
    }
    const inFile = parse(readFileSync(join(t.definitionsDir, `${name}.yaml`), 'utf8')).deploy.replicas;
    const inSwarm = ((await labDocker().getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas;
    expect(requested).toContain(inFile);
    expect(inSwarm).toBe(inFile);
    // and a deploy after the storm changes nothing: the hash label followed the scales
    expect((await t.client.POST('/api/services/{name}/deploy', { params: { path } })).data?.action).toBe('unchanged');
  });
});
