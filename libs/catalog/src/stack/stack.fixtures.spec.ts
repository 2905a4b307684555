import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { loadStack } from './stack.loader';
import { ComposeProject } from './stack.types';

// Every public stack file of test/fixtures/stacks (SOURCES.md), original and
// lab copy, loads; the lab copy differs from the original only in images and ports.
const root = join(__dirname, '../../../../test/fixtures/stacks');
const OWN = new Set(['original.yml', 'lab.yml', 'variables.yaml']);
const LAB_WEB_IMAGE = 'registry.lab:5000/web:1.0';

function fixture(name: string) {
  const dir = join(root, name);
  const files: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!(d === dir && OWN.has(e))) files[relative(dir, p).split(sep).join('/')] = readFileSync(p);
    }
  };
  walk(dir);
  let variables: Record<string, string> = {};
  try {
    variables = parse(readFileSync(join(dir, 'variables.yaml'), 'utf8')) ?? {};
  } catch {
    // no variables needed
  }
  return {
    dir,
    files,
    variables,
    original: readFileSync(join(dir, 'original.yml'), 'utf8'),
    lab: readFileSync(join(dir, 'lab.yml'), 'utf8'),
  };
}

const names = readdirSync(root)
  .filter((n) => statSync(join(root, n)).isDirectory())
  .sort();

/** What each fixture must yield: its services, and what `docker stack deploy` would warn about. */
const expected: Record<string, { services: string[]; warnings: string[] }> = {
  'voting-app': { services: ['db', 'redis', 'result', 'vote', 'worker'], warnings: [] },
  swarmprom: {
    services: ['alertmanager', 'caddy', 'cadvisor', 'dockerd-exporter', 'grafana', 'node-exporter', 'prometheus', 'unsee'],
    warnings: [],
  },
  'portainer-agent': { services: ['agent', 'portainer'], warnings: [] },
  swarmpit: { services: ['agent', 'app', 'db', 'influxdb'], warnings: [] },
  traefik: { services: ['traefik'], warnings: [] },
  'secrets-sample': { services: ['psql'], warnings: [] },
};

/** The project with images and ports taken out: what the lab copy must not change. */
function withoutImagesAndPorts(project: ComposeProject): unknown {
  return {
    ...project,
    services: Object.fromEntries(
      Object.entries(project.services).map(([n, s]) => {
        const { image: _image, ports: _ports, ...rest } = s;
        void _image;
        void _ports;
        return [n, rest];
      }),
    ),
  };
}

describe('public stack fixtures', () => {
  it('are at least five, each with its source in SOURCES.md', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
    const sources = readFileSync(join(root, 'SOURCES.md'), 'utf8');
    for (const n of names) expect(sources).toMatch(new RegExp(`^\\| ${n} \\| [\\w.-]+/[\\w.-]+ \\| \`[^\`]+\` \\| \`[0-9a-f]{40}\``, 'm'));
    expect(Object.keys(expected).sort()).toEqual(names);
  });

  describe.each(names)('%s', (name) => {
    const f = fixture(name);

    it('loads the original as published: schema-valid, its services and warnings', () => {
      const { project, warnings } = loadStack({ name, compose: f.original, variables: f.variables, files: f.files });
      expect(Object.keys(project.services).sort()).toEqual(expected[name].services);
      expect(warnings).toEqual(expected[name].warnings);
    });

    it('loads the lab copy, which only swaps images and moves ports to host mode', () => {
      const original = loadStack({ name, compose: f.original, variables: f.variables, files: f.files }).project;
      const lab = loadStack({ name, compose: f.lab, variables: { ...f.variables, LAB_WEB_IMAGE }, files: f.files }).project;
      expect(withoutImagesAndPorts(lab)).toEqual(withoutImagesAndPorts(original));
      for (const service of Object.values(lab.services)) {
        expect(service.image).toBe(LAB_WEB_IMAGE);
        for (const port of (service.ports as unknown[] | undefined) ?? []) expect(port).toMatchObject({ mode: 'host', protocol: 'tcp' });
      }
      const published = Object.values(original.services).flatMap((s) => (s.ports as unknown[] | undefined) ?? []);
      const moved = Object.values(lab.services).flatMap((s) => (s.ports as unknown[] | undefined) ?? []);
      expect(moved).toHaveLength(published.length);
    });
  });

  it('swarmprom: configs carry their files, defaults and $$ interpolated', () => {
    const f = fixture('swarmprom');
    const { project } = loadStack({ name: 'swarmprom', compose: f.original, variables: { ADMIN_PASSWORD: 's3cret' }, files: f.files });
    expect(project.configs?.caddy_config.content).toEqual(f.files['caddy/Caddyfile']);
    expect(project.configs?.caddy_config).not.toHaveProperty('file');
    expect(project.services.grafana.environment).toEqual({
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_ADMIN_PASSWORD: 's3cret',
      GF_USERS_ALLOW_SIGN_UP: 'false',
    });
    expect(project.services['node-exporter'].command).toContain(
      '--collector.filesystem.ignored-mount-points=^/(sys|proc|dev|host|etc)($|/)',
    );
    expect(project.services.prometheus.command).toContain('--storage.tsdb.retention=24h');
  });

  it('traefik: refuses without its required variables, naming the variable and the key', () => {
    const f = fixture('traefik');
    expect(() => loadStack({ name: 'traefik', compose: f.original, files: f.files })).toThrow(
      /services\.traefik\.deploy\.labels\[3\]: required variable USERNAME is missing a value: Variable not set/,
    );
    const { project } = loadStack({ name: 'traefik', compose: f.original, variables: f.variables, files: f.files });
    // a value with "$" (an htpasswd hash) is not interpolated again
    expect(project.services.traefik.deploy).toMatchObject({
      labels: expect.arrayContaining([`traefik.http.middlewares.admin-auth.basicauth.users=admin:${f.variables.HASHED_PASSWORD}`]),
    });
  });

  it('secrets-sample: secrets carry their files', () => {
    const f = fixture('secrets-sample');
    const { project } = loadStack({ name: 'secrets-sample', compose: f.original, files: f.files });
    expect(project.secrets?.psql_password.content?.toString()).toBe('lab-stand-in-password\n');
    expect(project.secrets?.psql_user.content?.toString()).toBe('lab-user\n');
  });

  // the CLI reads the same files the same way: environment and deploy labels as it prints them
  const dockerCli = spawnSync('docker', ['stack', 'config', '--help'], { encoding: 'utf8' }).status === 0;
  (dockerCli ? it.each(names) : it.skip.each(names))('%s: environment and labels match `docker stack config`', (name) => {
    const f = fixture(name);
    const env = { PATH: process.env.PATH ?? '', HOME: f.dir, ...f.variables, LAB_WEB_IMAGE };
    const cli = parse(execFileSync('docker', ['stack', 'config', '-c', join(f.dir, 'lab.yml')], { cwd: f.dir, env, encoding: 'utf8' }));
    const ours = loadStack({ name, compose: f.lab, variables: { ...f.variables, LAB_WEB_IMAGE }, files: f.files }).project;
    const asMap = (v: unknown) =>
      Array.isArray(v) ? Object.fromEntries(v.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) : (v ?? {});
    for (const [svc, theirs] of Object.entries(cli.services as Record<string, Record<string, unknown>>)) {
      const mine = ours.services[svc];
      expect([svc, mine.image]).toEqual([svc, theirs.image]);
      expect([svc, mine.environment ?? {}]).toEqual([svc, theirs.environment ?? {}]);
      expect([svc, asMap((mine.deploy as Record<string, unknown> | undefined)?.labels)]).toEqual([
        svc,
        (theirs.deploy as Record<string, unknown> | undefined)?.labels ?? {},
      ]);
      if (Array.isArray(mine.command)) expect([svc, mine.command]).toEqual([svc, theirs.command]);
    }
  });
});
