import { Document, isCollection, isDocument, LineCounter, Node, parseDocument } from 'yaml';
import { DomainError } from '@app/common';
import {
  DEPRECATED,
  FORBIDDEN,
  NESTED_UNSUPPORTED,
  SWARM_HINTS,
  SWARM_SERVICE_KEYS,
  TOP_LEVEL_UNSUPPORTED,
  UNSUPPORTED,
  WITHOUT_EFFECT,
} from './stack.cli-keys';
import { mergeEnvironment } from './stack.env-files';
import { interpolateValues, KeyProblem, keyPath, Variables } from './stack.interpolation';
import { isMap, type Json } from './stack.json';
import { validateComposeSchema } from './stack.schema';
import { checkDeploy, checkNetworks, checkReferences, checkVolumes, findPaths } from './stack.service-checks';
import { castTypes } from './stack.type-casts';
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
