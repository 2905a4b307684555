import { Document, isCollection, isDocument, LineCounter, Node, parseDocument } from 'yaml';
import { DomainError } from '@app/common';
import { interpolateValues, KeyProblem, keyPath, Variables } from './stack.interpolation';
import { validateComposeSchema } from './stack.schema';
import { assertStackName, ComposeFileObject, ComposeProject, ComposeService, normalizeStackPath, RESERVED_FILES } from './stack.types';

/** Largest compose file we read. */
export const MAX_COMPOSE_BYTES = 1024 * 1024;
/** Aliases allowed in one document: enough for anchors, far too few for a "billion laughs" bomb. */
const MAX_ALIASES = 200;

export interface LoadStackInput {
  name: string;
  /** The compose file's YAML text. */
  compose: string;
  /** Values for interpolation, `environment:` sources and bare `KEY` entries; the only ones used (never the server's own environment). */
  variables?: Record<string, string>;
  /** The files the stack refers to (configs, secrets, env_file), by path relative to the stack's folder. */
  files?: Record<string, string | Buffer>;
}

export interface LoadedStack {
  project: ComposeProject;
  /** What `docker stack deploy` would print and carry on: ignored keys, variables without a value. */
  warnings: string[];
}

/** One refused key, for the API's answer and the editor's marker. */
export interface StackProblem {
  key: string;
  message: string;
  /** 1-based line in the compose text, when the key is in it. */
  line?: number;
}

// The docker CLI's lists (cli/compose/types/types.go, docker/cli 28f7560): keys
// `docker stack deploy` accepts and ignores, printed as it prints them.
const UNSUPPORTED = [
  'build',
  'cgroupns_mode',
  'cgroup_parent',
  'devices',
  'domainname',
  'external_links',
  'ipc',
  'links',
  'mac_address',
  'network_mode',
  'pid',
  'privileged',
  'restart',
  'security_opt',
  'shm_size',
  'userns_mode',
];
const DEPRECATED: Record<string, string> = {
  container_name: 'Setting the container name is not supported.',
  expose: "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
};
const FORBIDDEN: Record<string, string> = {
  extends: 'Support for `extends` is not implemented yet.',
  volume_driver:
    'Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.',
};
/** Accepted by the CLI's schema, without effect on a swarm service: services start in any order. */
const WITHOUT_EFFECT = ['depends_on'];
// The service keys of the CLI's newest schema (cli/compose/schema/data/config_schema_v3.13.json):
// a compose-spec key outside it is one `docker stack deploy` refuses.
const SWARM_SERVICE_KEYS = new Set([
  'build',
  'cap_add',
  'cap_drop',
  'cgroup_parent',
  'cgroupns_mode',
  'command',
  'configs',
  'container_name',
  'credential_spec',
  'depends_on',
  'deploy',
  'devices',
  'dns',
  'dns_search',
  'domainname',
  'entrypoint',
  'env_file',
  'environment',
  'expose',
  'external_links',
  'extra_hosts',
  'healthcheck',
  'hostname',
  'image',
  'init',
  'ipc',
  'isolation',
  'labels',
  'links',
  'logging',
  'mac_address',
  'network_mode',
  'networks',
  'oom_score_adj',
  'pid',
  'ports',
  'privileged',
  'read_only',
  'restart',
  'secrets',
  'security_opt',
  'shm_size',
  'stdin_open',
  'stop_grace_period',
  'stop_signal',
  'sysctls',
  'tmpfs',
  'tty',
  'ulimits',
  'user',
  'userns_mode',
  'volumes',
  'working_dir',
]);
const SWARM_HINTS: Record<string, string> = {
  mem_limit: 'use deploy.resources.limits.memory',
  mem_reservation: 'use deploy.resources.reservations.memory',
  cpus: 'use deploy.resources.limits.cpus',
  scale: 'use deploy.replicas',
  pids_limit: 'use deploy.resources.limits.pids',
  gpus: 'use deploy.resources.reservations.generic_resources',
};
const TOP_LEVEL_UNSUPPORTED = ['include', 'models'];
// Keys deeper in a file that the Compose Specification has and the CLI's
// newest schema (v3.13) refuses: the difference of the two schemas, computed
// once from both files. `*` is any key of a map, `[]` any item of a list.
// (configs.*.content and configs/secrets.*.environment are in the difference
// too, but we take them: they have one obvious meaning on a swarm.)
const NESTED_UNSUPPORTED = [
  'services.*.deploy.resources.reservations.devices',
  'services.*.networks.*.interface_name',
  'services.*.networks.*.link_local_ips',
  'services.*.networks.*.mac_address',
  'services.*.networks.*.priority',
  'services.*.networks.*.gw_priority',
  'services.*.ports.[].name',
  'services.*.ports.[].host_ip',
  'services.*.ports.[].app_protocol',
  'services.*.volumes.[].bind.create_host_path',
  'services.*.volumes.[].bind.recursive',
  'services.*.volumes.[].bind.selinux',
  'services.*.volumes.[].volume.labels',
  'services.*.volumes.[].volume.subpath',
  'services.*.volumes.[].tmpfs.mode',
  'services.*.volumes.[].image',
  'networks.*.ipam.config.[].ip_range',
  'networks.*.ipam.config.[].gateway',
  'networks.*.ipam.config.[].aux_addresses',
  'networks.*.ipam.options',
  'networks.*.enable_ipv4',
  'networks.*.enable_ipv6',
].map((p) => p.split('.'));

type Cast = 'int' | 'float' | 'bool';
// Where compose turns an interpolated string back into a number or boolean
// (the CLI's interpolateTypeCastMapping, cli/compose/loader/interpolate.go).
// `*` matches any key or list index.
const CASTS: [string[], Cast][] = [
  [['services', '*', 'configs', '*', 'mode'], 'int'],
  [['services', '*', 'secrets', '*', 'mode'], 'int'],
  [['services', '*', 'healthcheck', 'retries'], 'int'],
  [['services', '*', 'healthcheck', 'disable'], 'bool'],
  [['services', '*', 'deploy', 'replicas'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], 'int'],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], 'int'],
  [['services', '*', 'ports', '*', 'target'], 'int'],
  [['services', '*', 'ports', '*', 'published'], 'int'],
  [['services', '*', 'ulimits', '*'], 'int'],
  [['services', '*', 'ulimits', '*', 'hard'], 'int'],
  [['services', '*', 'ulimits', '*', 'soft'], 'int'],
  [['services', '*', 'privileged'], 'bool'],
  [['services', '*', 'oom_score_adj'], 'int'],
  [['services', '*', 'read_only'], 'bool'],
  [['services', '*', 'stdin_open'], 'bool'],
  [['services', '*', 'tty'], 'bool'],
  [['services', '*', 'volumes', '*', 'read_only'], 'bool'],
  [['services', '*', 'volumes', '*', 'volume', 'nocopy'], 'bool'],
  [['networks', '*', 'external'], 'bool'],
  [['networks', '*', 'internal'], 'bool'],
  [['networks', '*', 'attachable'], 'bool'],
  [['volumes', '*', 'external'], 'bool'],
  [['secrets', '*', 'external'], 'bool'],
  [['configs', '*', 'external'], 'bool'],
];

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * A compose file as `docker stack deploy` reads it: parsed, interpolated with
 * the stack's variables, checked against the Compose Specification's schema
 * and then against what Swarm can do. INVALID names every key at fault
 * (`details.problems`, each with its line); nothing is read from disk.
 */
export function loadStack(input: LoadStackInput): LoadedStack {
  assertStackName(input.name);
  const variables: Variables = input.variables ?? {};
  const files = normalizeFiles(input.files ?? {});
  const { doc, lines } = parseCompose(input.compose);
  const raw = toJs(doc);
  if (!isMap(raw)) throw invalid([{ path: [], message: 'a compose file must be a YAML mapping with at least "services"' }], doc, lines);

  const interpolated = interpolateValues(raw, variables);
  if (interpolated.problems.length) throw invalid(interpolated.problems, doc, lines);
  const castProblems: KeyProblem[] = [];
  const value = castTypes(interpolated.value, [], castProblems) as Json;
  const schemaProblems = [...castProblems, ...validateComposeSchema(value)];
  if (schemaProblems.length) throw invalid(schemaProblems, doc, lines);

  const warnings: string[] = [];
  const problems: KeyProblem[] = [];
  const project = toProject(input.name, value, variables, files, problems, warnings);
  if (problems.length) throw invalid(problems, doc, lines);
  for (const name of interpolated.unset) warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
  return { project, warnings };
}

function normalizeFiles(files: Record<string, string | Buffer>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const normal = normalizeStackPath(path);
    if ('error' in normal) problems.push(`files."${path}": ${normal.error}`);
    else if (RESERVED_FILES.includes(normal.path))
      problems.push(`files."${path}": the name is the store's own (${RESERVED_FILES.join(', ')}); choose another`);
    else if (typeof content !== 'string' && !Buffer.isBuffer(content))
      problems.push(`files."${path}": must be the file's content as a string`);
    else out.set(normal.path, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
  }
  if (problems.length)
    throw new DomainError('INVALID', problems.join('; '), {
      problems: problems.map((p) => ({ key: p.slice(0, p.indexOf(': ')), message: p.slice(p.indexOf(': ') + 2) })),
    });
  return out;
}

function parseCompose(text: string): { doc: Document; lines: LineCounter } {
  if (typeof text !== 'string' || text.trim() === '') throw new DomainError('INVALID', 'compose: the compose file is empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_COMPOSE_BYTES)
    throw new DomainError('INVALID', `compose: larger than ${MAX_COMPOSE_BYTES / 1024} KB`);
  const lines = new LineCounter();
  // compose reads YAML 1.1 merge keys (`<<: *defaults`)
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true, lineCounter: lines });
  if (doc.errors.length) {
    const first = doc.errors[0];
    const line = first.linePos?.[0].line;
    throw new DomainError('INVALID', `compose: YAML syntax${line ? ` at line ${line}` : ''}: ${first.message.split('\n')[0]}`, {
      problems: [{ key: '', message: first.message.split('\n')[0], line }],
    });
  }
  return { doc, lines };
}

function toJs(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new DomainError('INVALID', `compose: ${(err as Error).message} (YAML aliases are limited to ${MAX_ALIASES})`);
  }
}

function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  if (!isDocument(doc)) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | undefined;
    if (node && (isCollection(node) || 'range' in node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function message(p: KeyProblem): string {
  if (p.message.startsWith('unknown top-level key')) return p.message;
  return p.path.length ? `${keyPath(p.path)}: ${p.message}` : p.message;
}

function invalid(problems: KeyProblem[], doc: Document, lines: LineCounter): DomainError {
  const listed: StackProblem[] = problems.map((p) => ({ key: keyPath(p.path), message: p.message, line: lineOf(doc, lines, p.path) }));
  return new DomainError('INVALID', problems.map(message).join('; '), { problems: listed });
}

function castTypes(value: unknown, path: (string | number)[], problems: KeyProblem[]): unknown {
  if (typeof value === 'string') {
    const cast = CASTS.find(([pattern]) => pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i]))?.[1];
    if (!cast) return value;
    if (cast === 'bool') {
      const lower = value.toLowerCase();
      if (['y', 'yes', 'true', 'on'].includes(lower)) return true;
      if (['n', 'no', 'false', 'off'].includes(lower)) return false;
      problems.push({ path, message: `"${value}" is not a boolean (true or false)` });
      return value;
    }
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (cast === 'int' && !Number.isInteger(n))) {
      problems.push({ path, message: `"${value}" is not ${cast === 'int' ? 'a whole number' : 'a number'}` });
      return value;
    }
    return n;
  }
  if (Array.isArray(value)) return value.map((v, i) => castTypes(v, [...path, i], problems));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, castTypes(v, [...path, k], problems)]));
  return value;
}

function toProject(
  stack: string,
  c: Json,
  variables: Variables,
  files: Map<string, Buffer>,
  problems: KeyProblem[],
  warnings: string[],
): ComposeProject {
  for (const key of TOP_LEVEL_UNSUPPORTED) {
    if (key in c) problems.push({ path: [key], message: 'not supported by docker stack deploy' });
  }
  for (const pattern of NESTED_UNSUPPORTED) {
    for (const path of findPaths(c, pattern)) problems.push({ path, message: 'not supported by docker stack deploy' });
  }
  if ('name' in c) warnings.push(`name: ignored; the stack is named "${stack}" and that name prefixes its objects`);

  const topLevel = (key: 'networks' | 'volumes' | 'configs' | 'secrets'): Record<string, Json> | undefined => {
    const section = c[key];
    if (!isMap(section)) return undefined;
    return Object.fromEntries(
      Object.entries(section)
        .filter(([k]) => !k.startsWith('x-'))
        .map(([k, v]) => [k, isMap(v) ? { ...v } : {}]),
    );
  };
  const networks = topLevel('networks');
  const volumes = topLevel('volumes');
  const configs = topLevel('configs');
  const secrets = topLevel('secrets');

  if (!isMap(c.services) || Object.keys(c.services).filter((k) => !k.startsWith('x-')).length === 0) {
    problems.push({ path: ['services'], message: 'a stack needs at least one service' });
  }

  const unsupported = new Set<string>();
  const deprecated = new Set<string>();
  const withoutEffect = new Set<string>();
  const services: Record<string, ComposeService> = {};
  for (const [name, body] of Object.entries(isMap(c.services) ? c.services : {})) {
    if (name.startsWith('x-') || !isMap(body)) continue;
    const at = (...rest: (string | number)[]) => ['services', name, ...rest];
    const service: Json = {};
    for (const [key, v] of Object.entries(body)) {
      if (key.startsWith('x-')) continue;
      if (FORBIDDEN[key]) problems.push({ path: at(key), message: `not supported by docker stack deploy: ${FORBIDDEN[key]}` });
      else if (UNSUPPORTED.includes(key)) {
        unsupported.add(key);
        // the CLI warns about `restart` yet still takes it as the restart policy when deploy.restart_policy is absent
        if (key === 'restart') service[key] = v;
      } else if (DEPRECATED[key]) deprecated.add(key);
      else if (WITHOUT_EFFECT.includes(key)) withoutEffect.add(key);
      else if (!SWARM_SERVICE_KEYS.has(key)) {
        problems.push({
          path: at(key),
          message: `not supported by docker stack deploy${SWARM_HINTS[key] ? ` (${SWARM_HINTS[key]})` : ''}`,
        });
      } else service[key] = v;
    }
    if (`${stack}_${name}`.length > 63) {
      problems.push({
        path: ['services', name],
        message: `the service's name "${stack}_${name}" is longer than 63 characters; shorten the stack or the service name`,
      });
    }
    if (typeof service.image !== 'string' || service.image === '') {
      problems.push({ path: at('image'), message: 'is required: docker stack deploy runs images, it builds none' });
    }
    checkVolumes(service.volumes, volumes, at, problems);
    checkDeploy(service.deploy, at, problems);
    checkReferences(service.configs, configs, 'config', at('configs'), problems);
    checkReferences(service.secrets, secrets, 'secret', at('secrets'), problems);
    checkNetworks(service.networks, networks, at('networks'), problems);
    const environment = mergeEnvironment(service.environment, service.env_file, variables, files, at, problems);
    delete service.env_file;
    if (environment) service.environment = environment;
    else delete service.environment;
    services[name] = service as ComposeService;
  }
  if (unsupported.size) warnings.push(`Ignoring unsupported options: ${[...unsupported].sort().join(', ')}`);
  if (deprecated.size) {
    warnings.push(
      `Ignoring deprecated options:\n\n${[...deprecated]
        .sort()
        .map((k) => `${k}: ${DEPRECATED[k]}`)
        .join('\n\n')}`,
    );
  }
  if (withoutEffect.size)
    warnings.push(`Ignoring options without effect on a swarm: ${[...withoutEffect].sort().join(', ')} (services start in any order)`);

  const project: ComposeProject = { services };
  if (networks) project.networks = networks;
  if (volumes) project.volumes = volumes;
  if (configs) project.configs = fileObjects('configs', configs, variables, files, problems);
  if (secrets) project.secrets = fileObjects('secrets', secrets, variables, files, problems);
  return project;
}

/** Every path in `value` that `pattern` (keys, `*` for any key, `[]` for any item) names. */
function findPaths(value: unknown, pattern: string[], path: (string | number)[] = []): (string | number)[][] {
  if (pattern.length === 0) return [path];
  const [step, ...rest] = pattern;
  if (step === '[]') return Array.isArray(value) ? value.flatMap((item, i) => findPaths(item, rest, [...path, i])) : [];
  if (!isMap(value)) return [];
  if (step === '*')
    return Object.entries(value)
      .filter(([k]) => !k.startsWith('x-'))
      .flatMap(([k, v]) => findPaths(v, rest, [...path, k]));
  return step in value ? findPaths(value[step], rest, [...path, step]) : [];
}

/** A short-syntax volume's source, as compose splits `SOURCE:TARGET[:MODE]`. */
function shortVolumeSource(spec: string): string | undefined {
  const parts = spec.split(':');
  // a Windows drive letter ("C:\\data:/data") is no concern of a Linux swarm; a lone target is an anonymous volume
  return parts.length >= 2 ? parts[0] : undefined;
}

const isPath = (source: string) => source.startsWith('.') || source.startsWith('/') || source.startsWith('~');

function checkVolumes(
  list: unknown,
  declared: Record<string, Json> | undefined,
  at: (...rest: (string | number)[]) => (string | number)[],
  problems: KeyProblem[],
): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    let source: string | undefined;
    let type: string;
    if (typeof entry === 'string') {
      source = shortVolumeSource(entry);
      type = source !== undefined && isPath(source) ? 'bind' : 'volume';
    } else if (isMap(entry)) {
      source = typeof entry.source === 'string' ? entry.source : undefined;
      type = typeof entry.type === 'string' ? entry.type : 'volume';
      if (typeof entry.target !== 'string' || entry.target === '')
        problems.push({ path: at('volumes', i, 'target'), message: 'is required' });
      if (type === 'bind' && !source) problems.push({ path: at('volumes', i, 'source'), message: 'is required for a bind mount' });
    } else return;
    if (source === undefined || source === '') return;
    if (type === 'bind' && !source.startsWith('/')) {
      problems.push({
        path: at('volumes', i, 'source'),
        message: 'a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
      });
    } else if (type === 'volume' && !(declared && source in declared)) {
      problems.push({ path: at('volumes', i, 'source'), message: `volume "${source}" is not declared under the top-level volumes` });
    }
  });
}

/** Modes the docker CLI converts (cli/compose/convert/service.go), and replicas only where they mean something. */
function checkDeploy(deploy: unknown, at: (...rest: (string | number)[]) => (string | number)[], problems: KeyProblem[]): void {
  if (!isMap(deploy)) return;
  const mode = deploy.mode ?? 'replicated';
  if (!['replicated', 'global', 'replicated-job', 'global-job'].includes(String(mode))) {
    problems.push({
      path: at('deploy', 'mode'),
      message: `unknown mode "${String(mode)}": use replicated, global, replicated-job or global-job`,
    });
  } else if (String(mode).startsWith('global') && deploy.replicas !== undefined) {
    problems.push({ path: at('deploy', 'replicas'), message: 'replicas can only be used with replicated or replicated-job mode' });
  }
}

function checkReferences(
  list: unknown,
  declared: Record<string, Json> | undefined,
  kind: 'config' | 'secret',
  path: (string | number)[],
  problems: KeyProblem[],
): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    const source = typeof entry === 'string' ? entry : isMap(entry) ? entry.source : undefined;
    if (typeof source === 'string' && !(declared && source in declared)) {
      problems.push({ path: [...path, i], message: `${kind} "${source}" is not declared under the top-level ${kind}s` });
    }
  });
}

function checkNetworks(
  networks: unknown,
  declared: Record<string, Json> | undefined,
  path: (string | number)[],
  problems: KeyProblem[],
): void {
  const names = Array.isArray(networks)
    ? networks.map((n, i) => [String(n), i] as const)
    : isMap(networks)
      ? Object.keys(networks).map((n) => [n, n] as const)
      : [];
  for (const [name, key] of names) {
    // `default` is the stack's own <stack>_default network, there without a declaration
    if (name !== 'default' && !(declared && name in declared)) {
      problems.push({ path: [...path, key], message: `network "${name}" is not declared under the top-level networks` });
    }
  }
}

/**
 * `environment` as a map, with the `env_file`s read from the stack's files
 * underneath it (environment wins), as the docker CLI reads them: `KEY=VALUE`
 * taken literally, `#` comments, a bare `KEY` taking its value from the
 * stack's variables (dropped when there is none).
 */
function mergeEnvironment(
  environment: unknown,
  envFile: unknown,
  variables: Variables,
  files: Map<string, Buffer>,
  at: (...rest: (string | number)[]) => (string | number)[],
  problems: KeyProblem[],
): Record<string, string | null> | undefined {
  if (environment === undefined && envFile === undefined) return undefined;
  const merged: Record<string, string | null> = {};
  const entries = envFile === undefined ? [] : Array.isArray(envFile) ? envFile : [envFile];
  entries.forEach((entry, i) => {
    const path = Array.isArray(envFile) ? at('env_file', i) : at('env_file');
    const file = typeof entry === 'string' ? entry : isMap(entry) ? entry.path : undefined;
    const required = isMap(entry) && entry.required !== undefined ? entry.required !== false && entry.required !== 'false' : true;
    if (typeof file !== 'string') return;
    const normal = normalizeStackPath(file);
    if ('error' in normal) {
      problems.push({ path, message: `"${file}" ${normal.error}` });
      return;
    }
    const content = files.get(normal.path);
    if (!content) {
      if (required) problems.push({ path, message: `"${file}" is not among the stack's files` });
      return;
    }
    try {
      Object.assign(merged, parseEnvFile(content.toString('utf8'), variables));
    } catch (err) {
      problems.push({ path, message: `"${file}": ${(err as Error).message}` });
    }
  });
  if (Array.isArray(environment)) {
    for (const item of environment) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq >= 0) merged[text.slice(0, eq)] = text.slice(eq + 1);
      else merged[text] = variables[text] ?? null;
    }
  } else if (isMap(environment)) {
    for (const [k, v] of Object.entries(environment)) merged[k] = v === null || v === undefined ? (variables[k] ?? null) : String(v);
  }
  return merged;
}

/** The docker CLI's env file format (pkg/kvfile): no quotes, no interpolation. */
export function parseEnvFile(text: string, variables: Variables): Record<string, string> {
  const out: Record<string, string> = {};
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((rawLine, index) => {
      const line = rawLine.replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      if (key === '') throw new Error(`no variable name on line ${index + 1}`);
      if (/[ \t]/.test(key)) throw new Error(`variable "${key}" on line ${index + 1} contains whitespace`);
      if (eq >= 0) out[key] = line.slice(eq + 1);
      else if (variables[key] !== undefined) out[key] = variables[key] as string;
    });
  return out;
}

function fileObjects(
  kind: 'configs' | 'secrets',
  declared: Record<string, Json>,
  variables: Variables,
  files: Map<string, Buffer>,
  problems: KeyProblem[],
): Record<string, ComposeFileObject> {
  const out: Record<string, ComposeFileObject> = {};
  for (const [name, body] of Object.entries(declared)) {
    const object: ComposeFileObject = { ...body } as ComposeFileObject;
    const path = [kind, name];
    const external = body.external === true || isMap(body.external) || body.external === 'true';
    if (external) {
      out[name] = object;
      continue;
    }
    if (typeof body.file === 'string') {
      const normal = normalizeStackPath(body.file);
      if ('error' in normal) problems.push({ path: [...path, 'file'], message: `"${body.file}" ${normal.error}` });
      else if (!files.has(normal.path))
        problems.push({ path: [...path, 'file'], message: `"${body.file}" is not among the stack's files` });
      else object.content = files.get(normal.path);
      delete object.file;
    } else if (typeof body.environment === 'string') {
      const value = variables[body.environment];
      if (value === undefined)
        problems.push({ path: [...path, 'environment'], message: `variable "${body.environment}" is not set among the stack's variables` });
      else object.content = Buffer.from(value, 'utf8');
      delete object.environment;
    } else if (typeof body.content === 'string') {
      object.content = Buffer.from(body.content, 'utf8');
    } else {
      problems.push({
        path,
        message: `a ${kind.slice(0, -1)} needs file:, environment:${kind === 'configs' ? ', content:' : ''} or external: true`,
      });
    }
    out[name] = object;
  }
  return out;
}
