import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerHost } from '@app/swarm';
import { createDockerode } from '@app/swarm/testing';
import { labEnv } from './fixtures/lab';
import { startTestApp, TestApp } from './fixtures/test-app';

describe('foundation: the API on the lab', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers liveness without Docker', async () => {
    const res = await t.as(null).GET('/api/health');
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ status: 'ok' });
  });

  it('serves Swagger UI and the OpenAPI JSON', async () => {
    const ui = await fetch(`${t.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/health');
  });

  it('answers an unknown /api path with a JSON 404, never the SPA', async () => {
    const res = await fetch(`${t.url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/no-such-thing' });
  });

  it('reaches the three-node swarm through the swarm library', async () => {
    const env = labEnv();
    const docker = createDockerode(parseDockerHost(env.DOCKER_HOST), 5000);
    const nodes = await docker.listNodes();
    expect(nodes.map((n) => n.Description?.Hostname).sort()).toEqual(['mini2', 'rog1', 'spark1']);
    expect(nodes.every((n) => n.Status?.State === 'ready')).toBe(true);
  });

  it('refuses to start with bad variables, naming every one of them', () => {
    const main = join(__dirname, '../dist/apps/api/src/main.js');
    if (!existsSync(main)) spawnSync('npx', ['nest', 'build', 'api'], { cwd: join(__dirname, '..') });
    const res = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: 'abc', DOCKER_HOST: 'ftp://x' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /Invalid configuration \(2 variable\(s\)\):\n {2}PORT="abc": must be an integer port number\n {2}DOCKER_HOST="ftp:\/\/x": unsupported scheme/,
    );
  });
});
