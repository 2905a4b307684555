import { Document, isDocument, parseDocument } from 'yaml';
import { ZodError, ZodIssue } from 'zod';
import { DomainError } from '@app/common';
import { ServiceDefinition, serviceDefinitionSchema } from './definition.schema';

/** Largest definition file we read; a service's YAML is a few KB. */
export const MAX_DEFINITION_BYTES = 256 * 1024;
/** Aliases allowed in one document: enough for anchors, far too few for a "billion laughs" bomb. */
const MAX_ALIASES = 100;

export interface ShortPort {
  published?: number;
  target: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp?: string;
}

/** Reads "8080:80/udp", "127.0.0.1:8080:80", "80" as compose does; throws naming what is wrong. */
export function parseShortPort(value: string | number): ShortPort {
  const text = String(value).trim();
  const m = /^(?:(\[[^\]]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp|sctp))?$/.exec(text);
  if (!m)
    throw new Error(`"${text}" is not a port mapping: use TARGET, PUBLISHED:TARGET or PUBLISHED:TARGET/udp (ranges are not supported)`);
  const [, hostIp, published, target, protocol] = m;
  const check = (p: string, what: string) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`"${text}": the ${what} port ${p} must be 1-65535`);
    return n;
  };
  return {
    published: published !== undefined ? check(published, 'published') : undefined,
    target: check(target, 'target'),
    protocol: (protocol as ShortPort['protocol']) ?? 'tcp',
    hostIp,
  };
}

function issuePath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

export function describeIssue(issue: ZodIssue): string {
  const path = issuePath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${path ? `${path}.` : ''}${k}: unknown key (not supported in a service definition)`).join('; ');
  }
  if (issue.code === 'invalid_union') {
    // report the branch that went furthest, usually the one the operator meant
    const deepest = issue.unionErrors.flatMap((e) => e.issues).sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest && deepest.path.length > issue.path.length) return describeIssue(deepest);
    return `${path}: has the wrong type or shape`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.expected === 'integer') return `${path}: must be a whole number`;
    const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
    return `${path}: ${issue.received === 'undefined' ? 'is required' : `must be ${article} ${issue.expected}, got ${issue.received}`}`;
  }
  return `${path || '(definition)'}: ${issue.message}`;
}

/** Validates a parsed value as a definition; INVALID names every field at fault. */
export function validateDefinition(value: unknown): ServiceDefinition {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('INVALID', 'a definition must be a YAML mapping with at least name and image');
  }
  let def: ServiceDefinition;
  try {
    def = serviceDefinitionSchema.parse(value);
  } catch (err) {
    if (err instanceof ZodError) {
      const problems = err.issues.map(describeIssue);
      throw new DomainError('INVALID', problems.join('; '), { problems });
    }
    throw err;
  }
  const portProblems = (def.ports ?? []).flatMap((p, i) => {
    if (typeof p === 'object') return [];
    try {
      parseShortPort(p);
      return [];
    } catch (e) {
      return [`ports[${i}]: ${(e as Error).message}`];
    }
  });
  if (def.deploy?.mode === 'global' && def.deploy.replicas !== undefined) {
    portProblems.push('deploy.replicas: a global service runs one task per node; remove replicas or use mode: replicated');
  }
  if (portProblems.length) throw new DomainError('INVALID', portProblems.join('; '), { problems: portProblems });
  return def;
}

/** Parses YAML text into a Document, refusing oversize text, alias bombs and syntax errors with a clear message. */
export function parseDefinitionDocument(text: string, source = 'definition'): Document {
  if (Buffer.byteLength(text, 'utf8') > MAX_DEFINITION_BYTES) {
    throw new DomainError('INVALID', `${source}: larger than ${MAX_DEFINITION_BYTES / 1024} KB`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, strict: true });
  if (doc.errors.length) {
    throw new DomainError('INVALID', `${source}: YAML syntax: ${doc.errors[0].message.split('\n')[0]}`);
  }
  return doc;
}

function toValue(doc: Document, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new DomainError('INVALID', `${source}: ${(err as Error).message} (YAML aliases are limited to ${MAX_ALIASES})`);
  }
}

/** YAML text → validated definition. */
export function parseDefinition(text: string, source = 'definition'): { doc: Document; definition: ServiceDefinition } {
  const doc = parseDefinitionDocument(text, source);
  return { doc: isDocument(doc) ? doc : doc, definition: validateDefinition(toValue(doc, source)) };
}

/**
 * A compose (or stack) file's services, each as a definition's raw value
 * (`name` set from its key), read with the same limits as a definition;
 * validating each is the caller's step, so one bad service refuses only itself.
 */
export function parseComposeServices(text: string, source = 'compose file'): Array<{ name: string; value: Record<string, unknown> }> {
  const value = toValue(parseDefinitionDocument(text, source), source) as { services?: unknown } | null;
  const services = value && typeof value === 'object' ? value.services : undefined;
  if (!services || typeof services !== 'object' || Array.isArray(services)) {
    throw new DomainError('INVALID', 'services: a compose file needs a services mapping');
  }
  return Object.entries(services as Record<string, unknown>).map(([name, service]) => ({
    name,
    value: { name, ...(service && typeof service === 'object' ? service : {}) },
  }));
}
