import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dockerCli as cli } from '../fixtures/docker';
import { labEnv } from '../fixtures/lab';
import {
  deployedSpecs,
  PUBLIC_STACKS,
  publicStackInput,
  publicStackNames,
  removeStack as stackGone,
  unexplainedDifferences,
} from '../fixtures/stack-lab';
import { startTestApp, type TestApp } from '../fixtures/test-app';

jest.setTimeout(900_000);

/*
 * The public stack files (test/fixtures/stacks, by six authors), each
 * deployed through the product's REST API (stack `pvours`) and with
 * `docker stack deploy` (stack `pvcli`), and the service specs the swarm holds
 * compared field by field once the stack name is taken out: image without
 * digest, command, args, env, labels, mounts, healthcheck, resources,
 * restart/update/rollback config, placement, networks by name, mode and
 * replicas, endpoint ports: every field of the spec. A difference fails the
 * test unless it is in ALLOWED (the same list as the README's).
 */

/** Spec paths where the product and the CLI may differ, each with why. */
const ALLOWED: Record<string, string> = {
  'TaskTemplate.Placement.Platforms':
    'the CLI (--resolve-image always) adds the platforms it read with the digest; the product pins the digest through the registry and leaves the platform to the scheduler',
};

const env = () => labEnv();
const fixtures = publicStackNames();

describe('public stack files: the product deploys them as docker stack deploy does, field by field', () => {
  let t: TestApp;

  beforeAll(async () => {
    await stackGone('pvours');
    await stackGone('pvcli');
    t = await startTestApp();
    try {
      cli(['network', 'create', '-d', 'overlay', 'traefik-public']);
    } catch {
      // already there
    }
  });
  afterAll(async () => {
    await stackGone('pvours').catch(() => undefined);
    await stackGone('pvcli').catch(() => undefined);
    try {
      cli(['network', 'rm', 'traefik-public']);
    } catch {
      // in use or gone
    }
    await t?.close();
  });

  it('covers at least five files by different authors', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    const sources = readFileSync(join(PUBLIC_STACKS, 'SOURCES.md'), 'utf8');
    const owners = new Set(fixtures.map((f) => new RegExp(`^\\| ${f} \\| ([^/]+)/`, 'm').exec(sources)?.[1]));
    expect(owners.size).toBe(fixtures.length);
  });

  it('a file with `restart:`, an env_file and `$$`: the same specs through REST and through the CLI', async () => {
    const compose = `services:
  app:
    image: \${LAB_WEB_IMAGE}
    restart: on-failure
    env_file: [./app.env]
    environment:
      MODE: \${MODE:-prod}
    healthcheck:
      test: ["CMD-SHELL", "test -n \\"$$HOSTNAME\\""]
      interval: 5s
    deploy:
      resources:
        limits: { memory: 64M }
  plain:
    image: \${LAB_WEB_IMAGE}
    restart: "no"
`;
    const files = { 'app.env': '# the app\nLEVEL=debug\nMODE=env\n' };
    const variables = { LAB_WEB_IMAGE: env().LAB_WEB_IMAGE };
    await stackGone('pvours');
    const created = await t.api('/api/stacks', { method: 'POST', json: { name: 'pvours', compose, variables, files } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { warnings: string[] }).warnings).toContain('Ignoring unsupported options: restart');
    expect((await t.api('/api/stacks/pvours/deploy?wait=false', { method: 'POST' })).status).toBe(200);
    const ours = await deployedSpecs('pvours');
    await stackGone('pvours');
    expect((await t.api('/api/stacks/pvours', { method: 'DELETE' })).status).toBe(204);

    const dir = mkdtempSync(join(tmpdir(), 'pv-inline-'));
    writeFileSync(join(dir, 'compose.yaml'), compose);
    writeFileSync(join(dir, 'app.env'), files['app.env']);
    cli(['stack', 'deploy', '--detach=true', '-c', 'compose.yaml', 'pvcli'], { cwd: dir, vars: variables });
    const theirs = await deployedSpecs('pvcli');
    await stackGone('pvcli');

    expect((ours.get('app') as { TaskTemplate: { RestartPolicy: { Condition: string } } }).TaskTemplate.RestartPolicy.Condition).toBe(
      'on-failure',
    );
    // as the CLI: `restart: "no"` sets no policy, so the Engine's default (any) applies
    expect((ours.get('plain') as { TaskTemplate: { RestartPolicy: { Condition: string } } }).TaskTemplate.RestartPolicy.Condition).toBe(
      'any',
    );
    expect(unexplainedDifferences(ours, theirs, ALLOWED, 'product')).toEqual([]);
  });

  for (const fixture of fixtures) {
    it(`${fixture}: the same service specs through REST and through the CLI`, async () => {
      const input = publicStackInput(fixture);
      await stackGone('pvours');
      const created = await t.api('/api/stacks', { method: 'POST', json: { name: 'pvours', ...input } });
      expect(created.status).toBe(201);
      const deployed = await t.api('/api/stacks/pvours/deploy?wait=false', { method: 'POST' });
      const body = (await deployed.json()) as { message?: string; services: unknown[] };
      expect([deployed.status, body.message]).toEqual([200, undefined]);
      const ours = await deployedSpecs('pvours');
      await stackGone('pvours');
      expect((await t.api('/api/stacks/pvours', { method: 'DELETE' })).status).toBe(204);

      // the CLI gets the same folder (files beside the compose file) and the same variables in its environment
      const dir = mkdtempSync(join(tmpdir(), `pv-${fixture}-`));
      cpSync(join(PUBLIC_STACKS, fixture), dir, { recursive: true });
      cli(['stack', 'deploy', '--detach=true', '-c', 'lab.yml', 'pvcli'], { cwd: dir, vars: input.variables });
      const theirs = await deployedSpecs('pvcli');
      await stackGone('pvcli');

      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      expect(ours.size).toBe(Object.keys((parse(input.compose) as { services: object }).services).length);
      expect(unexplainedDifferences(ours, theirs, ALLOWED, 'product')).toEqual([]);
    });
  }
});
