import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { normaliseServiceSpec, type ServiceSpec } from '@app/swarm';
import { labDocker } from '../fixtures/docker';
import { eventually, labEnv } from '../fixtures/lab';
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
const docker = labDocker();
const FIXTURES = join(__dirname, '../fixtures/stacks');
const ns = (stack: string) => JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] });

function cli(args: string[], opts: { cwd?: string; vars?: Record<string, string> } = {}): string {
  return execFileSync('docker', args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.vars, DOCKER_HOST: env().DOCKER_HOST },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stackGone(stack: string): Promise<void> {
  try {
    cli(['stack', 'rm', stack]);
  } catch {
    // nothing to remove
  }
  await eventually(
    async () => {
      const [s, n, c, x] = await Promise.all([
        docker.listServices({ filters: ns(stack) }),
        docker.listNetworks({ filters: ns(stack) }),
        docker.listConfigs({ filters: ns(stack) }),
        docker.listSecrets({ filters: ns(stack) }),
      ]);
      for (const net of n)
        await docker
          .getNetwork(net.Id)
          .remove()
          .catch(() => undefined);
      return s.length + n.length + c.length + x.length === 0;
    },
    60_000,
    `stack ${stack} removed`,
    500,
  );
}

/** The stack's services as the swarm holds them, by compose key: normalised, network ids read as names, the stack's name and content hashes taken out. */
async function deployedSpecs(stack: string): Promise<Map<string, unknown>> {
  const [services, networks] = await Promise.all([docker.listServices({ filters: ns(stack) }), docker.listNetworks()]);
  const networkNames = new Map(networks.map((n) => [n.Id, n.Name]));
  const out = new Map<string, unknown>();
  for (const s of services as { Spec: ServiceSpec }[]) {
    const key = String(s.Spec.Name).slice(stack.length + 1);
    const text = JSON.stringify(normaliseServiceSpec(s.Spec, { networkNames }))
      .replace(new RegExp(`"(ConfigName|SecretName)":"${stack}_([^"]*?)(-[0-9a-f]{10})?"`, 'g'), '"$1":"STACK_$2"')
      .replace(new RegExp(`"${stack}_`, 'g'), '"STACK_')
      .replace(new RegExp(`"com.docker.stack.namespace":"${stack}"`, 'g'), '"com.docker.stack.namespace":"STACK"');
    out.set(key, JSON.parse(text));
  }
  return out;
}

function differences(a: unknown, b: unknown, path = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (a === undefined && isObj(b)) a = {};
  if (b === undefined && isObj(a)) b = {};
  if (isObj(a) && isObj(b))
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differences(a[k], b[k], path ? `${path}.${k}` : k));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: product ${JSON.stringify(a)} / cli ${JSON.stringify(b)}`];
}

function fixtureInput(fixture: string): { compose: string; variables: Record<string, string>; files: Record<string, string> } {
  const dir = join(FIXTURES, fixture);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!['original.yml', 'lab.yml', 'variables.yaml'].includes(relative(dir, p))) files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  const variablesFile = join(dir, 'variables.yaml');
  const variables = existsSync(variablesFile) ? (parse(readFileSync(variablesFile, 'utf8')) as Record<string, string>) : {};
  return { compose: readFileSync(join(dir, 'lab.yml'), 'utf8'), variables: { ...variables, LAB_WEB_IMAGE: env().LAB_WEB_IMAGE }, files };
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => statSync(join(FIXTURES, f)).isDirectory())
  .sort();

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
    const sources = readFileSync(join(FIXTURES, 'SOURCES.md'), 'utf8');
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
    const found = [...ours.keys()].flatMap((key) => differences(ours.get(key), theirs.get(key)).map((d) => `${key}.${d}`));
    expect(
      found.filter((d) => !Object.keys(ALLOWED).some((path) => d.split(': ')[0].split('.').slice(1).join('.').startsWith(path))),
    ).toEqual([]);
  });

  for (const fixture of fixtures) {
    it(`${fixture}: the same service specs through REST and through the CLI`, async () => {
      const input = fixtureInput(fixture);
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
      cpSync(join(FIXTURES, fixture), dir, { recursive: true });
      cli(['stack', 'deploy', '--detach=true', '-c', 'lab.yml', 'pvcli'], { cwd: dir, vars: input.variables });
      const theirs = await deployedSpecs('pvcli');
      await stackGone('pvcli');

      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      expect(ours.size).toBe(Object.keys((parse(input.compose) as { services: object }).services).length);
      const found = [...ours.keys()].flatMap((key) => differences(ours.get(key), theirs.get(key)).map((d) => `${key}.${d}`));
      const unexplained = found.filter(
        (d) => !Object.keys(ALLOWED).some((path) => d.split(': ')[0].split('.').slice(1).join('.').startsWith(path)),
      );
      expect(unexplained).toEqual([]);
    });
  }
});
