import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DomainError } from '@app/common';
import { parseEnvFile } from './stack.env-files';
import { loadStack, StackProblem } from './stack.loader';

const load = (
  compose: string,
  extra: { variables?: Record<string, string>; files?: Record<string, string | Buffer>; name?: string } = {},
) => loadStack({ name: extra.name ?? 'demo', compose, variables: extra.variables, files: extra.files });

/** The INVALID error's message and problems, failing when loadStack accepts. */
function refusal(fn: () => unknown): { message: string; problems: StackProblem[] } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('INVALID');
    return { message: (err as Error).message, problems: ((err as DomainError).details?.problems ?? []) as StackProblem[] };
  }
  throw new Error('loadStack accepted the file');
}

const web = (body: string) => `services:\n  web:\n    image: nginx\n${body}`;

describe('loadStack: the Compose Specification schema', () => {
  it('names an unknown top-level key, with its line', () => {
    const { message, problems } = refusal(() => load('services:\n  web:\n    image: a\nfoo: 1\n'));
    expect(message).toBe('unknown top-level key "foo"');
    expect(problems).toEqual([{ key: 'foo', message: 'unknown top-level key "foo"', line: 4 }]);
  });

  it('names an unknown key inside a service, at its path', () => {
    const { message, problems } = refusal(() => load(web('    volumes:\n      - type: volume\n        sorce: data\n        target: /d\n')));
    expect(message).toBe('services.web.volumes[0].sorce: unknown key "sorce"');
    expect(problems[0].line).toBe(6);
  });

  it('names a wrong type, once, whatever branches the schema tries', () => {
    expect(refusal(() => load(web('    deploy:\n      replicas: true\n'))).message).toBe(
      'services.web.deploy.replicas: must be an integer or a string',
    );
    expect(refusal(() => load(web('    ports: 80\n'))).message).toBe('services.web.ports: must be an array');
  });

  it('names a value outside an enumeration', () => {
    expect(refusal(() => load(web('    deploy:\n      mode: everywhere\n'))).message).toBe(
      'services.web.deploy.mode: unknown mode "everywhere": use replicated, global, replicated-job or global-job',
    );
    expect(refusal(() => load(web('    volumes:\n      - type: nfs\n        target: /d\n'))).message).toMatch(
      /^services\.web\.volumes\[0\]\.type: must be one of "bind", "volume"/,
    );
  });

  it('names a missing required key', () => {
    expect(refusal(() => load(web('    volumes:\n      - type: bind\n        source: /data\n'))).message).toBe(
      'services.web.volumes[0].target: is required',
    );
  });

  it('names an invalid service name', () => {
    expect(refusal(() => load('services:\n  "my web":\n    image: a\n')).message).toBe(
      'services.my web: "my web" is not a valid name (letters, digits, ".", "_" and "-")',
    );
  });

  it('lists every problem, not only the first', () => {
    const { problems } = refusal(() => load('services:\n  web:\n    image: a\n    colour: red\nfoo: 1\nbar: 2\n'));
    expect(problems.map((p) => p.key).sort()).toEqual(['bar', 'foo', 'services.web.colour']);
  });

  it('refuses YAML that is not a mapping, a syntax error with its line, and an empty file', () => {
    expect(refusal(() => load('- a\n- b\n')).message).toMatch(/must be a YAML mapping/);
    expect(refusal(() => load('services:\n  web:\n    image: [a\n')).message).toMatch(/^compose: YAML syntax at line \d+/);
    expect(refusal(() => load('services:\n  web: {}\n  web: {}\n')).message).toMatch(/YAML syntax.*[Mm]ap keys must be unique/);
    expect(refusal(() => load('  \n')).message).toBe('compose: the compose file is empty');
  });

  it('accepts YAML merge keys and x- extensions, dropping the extensions', () => {
    const { project } = load('x-common: &common\n  image: a\n  labels: [x=1]\nservices:\n  web:\n    <<: *common\n    x-note: hi\n');
    expect(project.services.web).toEqual({ image: 'a', labels: ['x=1'] });
    expect(project).not.toHaveProperty('x-common');
  });
});

describe('loadStack: interpolation before validation', () => {
  it("interpolates values with the stack's variables, not the server's environment", () => {
    process.env.STACK_SPEC_LEAK = 'from-the-server';
    let loaded;
    try {
      loaded = load(web('    environment:\n      A: ${TAG:-d}\n      B: $STACK_SPEC_LEAK\n      C: $$HOME\n'));
    } finally {
      delete process.env.STACK_SPEC_LEAK;
    }
    const { project, warnings } = loaded;
    expect(project.services.web.environment).toEqual({ A: 'd', B: '', C: '$HOME' });
    expect(warnings).toEqual(['The "STACK_SPEC_LEAK" variable is not set. Defaulting to a blank string.']);
  });

  it('turns an interpolated number or boolean back into one where compose does', () => {
    const { project } = load(
      web('    deploy:\n      replicas: ${N:-3}\n    read_only: "${RO:-yes}"\n    ports:\n      - target: 80\n        published: ${P}\n'),
      {
        variables: { P: '8080' },
      },
    );
    expect(project.services.web.deploy).toEqual({ replicas: 3 });
    expect(project.services.web.read_only).toBe(true);
    expect(project.services.web.ports).toEqual([{ target: 80, published: 8080 }]);
  });

  it('names the key of an interpolated value that is not a number', () => {
    expect(refusal(() => load(web('    deploy:\n      replicas: ${N:-many}\n'))).message).toBe(
      'services.web.deploy.replicas: "many" is not a whole number',
    );
  });

  it('refuses a missing required variable, naming it and the key where it is used', () => {
    const { message, problems } = refusal(() =>
      load(web('    environment:\n      - PASSWORD=${DB_PASSWORD:?set the database password}\n')),
    );
    expect(message).toBe('services.web.environment[0]: required variable DB_PASSWORD is missing a value: set the database password');
    expect(problems[0]).toEqual({
      key: 'services.web.environment[0]',
      message: 'required variable DB_PASSWORD is missing a value: set the database password',
      line: 5,
    });
  });

  it('refuses ${VAR:?} unset and an invalid template, naming the key', () => {
    expect(refusal(() => load(web('    command: echo ${TOKEN:?}\n'))).message).toBe(
      'services.web.command: required variable TOKEN is missing a value',
    );
    expect(refusal(() => load(web('    command: echo ${oops\n'))).message).toBe(
      'services.web.command: invalid interpolation format: "echo ${oops"',
    );
  });

  it('never interpolates keys', () => {
    const { project } = load(web('    labels:\n      $KEY: v\n'), { variables: { KEY: 'k' } });
    expect(project.services.web.labels).toEqual({ $KEY: 'v' });
  });
});

describe('loadStack: what Swarm can do', () => {
  it('refuses a relative bind, short and long syntax, naming the key', () => {
    expect(refusal(() => load(web('    volumes:\n      - ./proxy/nginx.conf:/etc/nginx/nginx.conf\n'))).message).toBe(
      'services.web.volumes[0].source: a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
    );
    expect(refusal(() => load(web('    volumes:\n      - type: bind\n        source: data\n        target: /d\n'))).message).toBe(
      'services.web.volumes[0].source: a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
    );
    expect(refusal(() => load(web('    volumes:\n      - ~/data:/d\n'))).message).toMatch(
      /^services\.web\.volumes\[0\]\.source: a relative bind path/,
    );
  });

  it('accepts absolute binds, declared named volumes and anonymous volumes', () => {
    const { project } = load(
      web('    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - data:/data\n      - /scratch\nvolumes:\n  data:\n'),
    );
    expect(project.services.web.volumes).toHaveLength(3);
    expect(project.volumes).toEqual({ data: {} });
  });

  it('refuses references to undeclared volumes, networks, configs and secrets', () => {
    const { problems } = refusal(() =>
      load(
        web(
          '    volumes:\n      - data:/data\n    networks: [front, default]\n    configs: [conf]\n    secrets:\n      - source: pw\n        target: pw\n',
        ),
      ),
    );
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      'services.web.volumes[0].source: volume "data" is not declared under the top-level volumes',
      'services.web.configs[0]: config "conf" is not declared under the top-level configs',
      'services.web.secrets[0]: secret "pw" is not declared under the top-level secrets',
      'services.web.networks[0]: network "front" is not declared under the top-level networks',
    ]);
  });

  it("refuses a config or secret file that is not among the stack's files, or leaves the folder", () => {
    const compose = web(
      '    configs: [conf]\n    secrets: [pw]\nconfigs:\n  conf:\n    file: ./nginx.conf\nsecrets:\n  pw:\n    file: ../../etc/shadow\n',
    );
    const { problems } = refusal(() => load(compose));
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      'configs.conf.file: "./nginx.conf" is not among the stack\'s files',
      'secrets.pw.file: "../../etc/shadow" leaves the stack\'s folder ("..")',
    ]);
    expect(refusal(() => load(compose.replace('./nginx.conf', '/etc/nginx.conf'), { files: { 'nginx.conf': 'x' } })).message).toMatch(
      /configs\.conf\.file: "\/etc\/nginx\.conf" is absolute/,
    );
  });

  it('gives configs and secrets their content from a file, a variable or inline; leaves external ones alone', () => {
    const { project } = load(
      web(
        '    configs: [conf, inline]\n    secrets: [pw, ext]\nconfigs:\n  conf:\n    file: ./conf/nginx.conf\n  inline:\n    content: hello $$USER\nsecrets:\n  pw:\n    environment: DB_PASSWORD\n  ext:\n    external: true\n    name: shared_pw\n',
      ),
      { files: { 'conf/nginx.conf': Buffer.from([0, 1, 2]) }, variables: { DB_PASSWORD: 'hunter2' } },
    );
    expect(project.configs).toEqual({ conf: { content: Buffer.from([0, 1, 2]) }, inline: { content: Buffer.from('hello $USER') } });
    expect(project.secrets).toEqual({ pw: { content: Buffer.from('hunter2') }, ext: { external: true, name: 'shared_pw' } });
  });

  it('refuses a secret from a variable the stack does not have', () => {
    expect(refusal(() => load(web('    secrets: [pw]\nsecrets:\n  pw:\n    environment: DB_PASSWORD\n'))).message).toBe(
      'secrets.pw.environment: variable "DB_PASSWORD" is not set among the stack\'s variables',
    );
  });

  it('refuses a service without an image, a too long service name and keys docker stack deploy refuses', () => {
    expect(refusal(() => load('services:\n  web:\n    command: x\n')).message).toBe(
      'services.web.image: is required: docker stack deploy runs images, it builds none',
    );
    expect(refusal(() => load(`services:\n  ${'s'.repeat(60)}:\n    image: a\n`)).message).toMatch(/is longer than 63 characters/);
    const { problems } = refusal(() => load(web('    mem_limit: 1g\n    profiles: [debug]\n    extends: base\n')));
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      'services.web.mem_limit: not supported by docker stack deploy (use deploy.resources.limits.memory)',
      'services.web.profiles: not supported by docker stack deploy',
      'services.web.extends: not supported by docker stack deploy: Support for `extends` is not implemented yet.',
    ]);
    expect(refusal(() => load('include: [other.yml]\nservices:\n  web:\n    image: a\n')).message).toBe(
      'include: not supported by docker stack deploy',
    );
    const nested = refusal(() =>
      load(
        web(
          '    ports:\n      - target: 80\n        app_protocol: http\n    networks:\n      front:\n        priority: 2\nnetworks:\n  front:\n    enable_ipv6: true\n',
        ),
      ),
    );
    expect(nested.problems.map((p) => p.key)).toEqual([
      'services.web.networks.front.priority',
      'services.web.ports[0].app_protocol',
      'networks.front.enable_ipv6',
    ]);
    expect(nested.message).toMatch(/^services\.web\.networks\.front\.priority: not supported by docker stack deploy; /);
  });

  it('accepts the keys docker stack deploy ignores, removes them and warns as the CLI does', () => {
    const { project, warnings } = load(
      'services:\n  web:\n    image: a\n    build: .\n    restart: always\n    links: [db]\n    container_name: web1\n    expose: ["80"]\n    depends_on: [db]\n  db:\n    image: b\n    privileged: true\n',
    );
    // restart is warned about and still kept: the CLI uses it as the restart policy's fallback
    expect(project.services.web).toEqual({ image: 'a', restart: 'always' });
    expect(project.services.db).toEqual({ image: 'b' });
    expect(warnings).toEqual([
      'Ignoring unsupported options: build, links, privileged, restart',
      "Ignoring deprecated options:\n\ncontainer_name: Setting the container name is not supported.\n\nexpose: Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
      'Ignoring options without effect on a swarm: depends_on (services start in any order)',
    ]);
  });

  it('keeps networks, volumes written without a body as {} and drops version and x-', () => {
    const { project } = load(
      'version: "3.9"\nservices:\n  web:\n    image: a\n    networks: [front]\nnetworks:\n  front:\n  back:\n    driver: overlay\n',
    );
    expect(project).toEqual({
      services: { web: { image: 'a', networks: ['front'] } },
      networks: { front: {}, back: { driver: 'overlay' } },
    });
  });

  it('refuses a bad stack name', () => {
    expect(() => load(web(''), { name: 'My Stack' })).toThrow(/not a valid stack name/);
    expect(() => load(web(''), { name: 'a'.repeat(33) })).toThrow(/not a valid stack name/);
  });

  it("refuses a path in files that leaves the stack's folder, naming it", () => {
    for (const path of ['../x', '/etc/passwd', 'a/../../x', 'a\\b', '~/x', 'compose.yaml']) {
      expect(refusal(() => load(web(''), { files: { [path]: 'x' } })).message).toMatch(
        new RegExp(`^files\\."${path.replace(/[.\\/~]/g, '\\$&')}": `),
      );
    }
  });
});

describe('loadStack: env_file and environment', () => {
  it("reads env_file from the stack's files into environment as a map; environment wins", () => {
    const { project } = load(
      web(
        '    env_file:\n      - ./web.env\n      - path: ./optional.env\n        required: false\n    environment:\n      - MODE=prod\n      - FROM_VARS\n      - NOT_SET\n',
      ),
      {
        files: { 'web.env': '# comment\nMODE=dev\nQUOTED="kept as is"\n  INDENTED=yes\nEMPTY=\nBARE_KNOWN\nBARE_UNKNOWN\n' },
        variables: { FROM_VARS: 'v', BARE_KNOWN: 'k' },
      },
    );
    expect(project.services.web.environment).toEqual({
      MODE: 'prod',
      QUOTED: '"kept as is"',
      INDENTED: 'yes',
      EMPTY: '',
      BARE_KNOWN: 'k',
      FROM_VARS: 'v',
      NOT_SET: null,
    });
    expect(project.services.web).not.toHaveProperty('env_file');
  });

  it('makes a map of environment even without env_file; numbers and booleans become strings', () => {
    const { project } = load(web('    environment:\n      PORT: 8080\n      DEBUG: false\n'));
    expect(project.services.web.environment).toEqual({ PORT: '8080', DEBUG: 'false' });
  });

  it("refuses an env_file that is not among the stack's files, or is malformed", () => {
    expect(refusal(() => load(web('    env_file: web.env\n'))).message).toBe(
      'services.web.env_file: "web.env" is not among the stack\'s files',
    );
    expect(refusal(() => load(web('    env_file: [web.env]\n'), { files: { 'web.env': 'BAD KEY=1\n' } })).message).toBe(
      'services.web.env_file[0]: "web.env": variable "BAD KEY" on line 1 contains whitespace',
    );
  });

  it("parseEnvFile reads the docker CLI's format: literal values, no quotes removed, no interpolation", () => {
    expect(parseEnvFile("\uFEFFA=1\r\nB=$A\nC='x'\n#D=2\nE=a=b\n", {})).toEqual({ A: '1', B: '$A', C: "'x'", E: 'a=b' });
    expect(() => parseEnvFile('=x\n', {})).toThrow('no variable name on line 1');
  });
});

// `docker stack config` reads env_file and bare names the same way: the reference for the merge
const dockerCli = spawnSync('docker', ['stack', 'config', '--help'], { encoding: 'utf8' }).status === 0;
(dockerCli ? it : it.skip)('env_file and environment merge as `docker stack config` merges them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-env-'));
  try {
    const envFile = 'MODE=dev\nQUOTED="q"\nBARE_KNOWN\nBARE_UNKNOWN\nEMPTY=\n  INDENT=1\n# C=comment\nURL=http://x?a=b\n';
    const compose = web(
      '    env_file: [web.env]\n    environment:\n      - MODE=prod\n      - FROM_VARS\n      - NOT_SET\n  m:\n    image: busybox\n    environment:\n      A: 1\n      C:\n      D: ""\n',
    );
    writeFileSync(join(dir, 'web.env'), envFile);
    writeFileSync(join(dir, 'c.yml'), compose);
    const variables = { FROM_VARS: 'v', BARE_KNOWN: 'k', C: 'from-vars' };
    const cli = parse(
      execFileSync('docker', ['stack', 'config', '-c', join(dir, 'c.yml')], {
        env: { PATH: process.env.PATH ?? '', HOME: dir, ...variables },
        encoding: 'utf8',
      }),
    );
    const { project } = load(compose, { variables, files: { 'web.env': envFile } });
    expect(project.services.web.environment).toEqual(cli.services.web.environment);
    expect(project.services.m.environment).toEqual(cli.services.m.environment);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
