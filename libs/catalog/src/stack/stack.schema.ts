import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import composeSpecSchema from './compose-spec.json';
import { KeyProblem } from './stack.interpolation';

/*
 * Validation against the Compose Specification's published JSON schema
 * (compose-spec.json beside this file, vendored unchanged: see
 * COMPOSE-SPEC.md for its repository and commit), with ajv. Errors are
 * reported by key path in compose terms, one per key, picking the branch of a
 * oneOf the author most likely meant.
 */

let validator: ValidateFunction | undefined;

/** Compiles the schema now (about a second) rather than on the first stack a user sends. */
export function warmComposeSchema(): void {
  compiled();
}

function compiled(): ValidateFunction {
  if (!validator) {
    // the schema names draft-07 by a URL ajv does not carry; its keywords are all draft-07
    const { $schema: _draft, ...schema } = composeSpecSchema as Record<string, unknown>;
    void _draft;
    // inlined refs and code optimisation cost seconds of compiling a 75 KB schema for no visible gain in validating a file
    validator = new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { optimize: false } }).compile(schema);
  }
  return validator;
}

/** The problems of a (interpolated) compose file against the specification; empty when valid. */
export function validateComposeSchema(value: unknown): KeyProblem[] {
  const validate = compiled();
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? []);
}

const TOP_LEVEL_MAPS = new Set(['services', 'networks', 'volumes', 'configs', 'secrets']);

function toPath(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describeErrors(errors: ErrorObject[]): KeyProblem[] {
  // a oneOf/anyOf reports each branch's failure and then itself: keep the branch errors
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const isDeeper = (a: string, b: string) => a.startsWith(`${b}/`);
  const kept = specific.filter((e) => {
    if (e.keyword !== 'type') return true;
    // a type mismatch at a path that also failed otherwise (or deeper) is another branch's complaint
    return !specific.some((o) => (o.instancePath === e.instancePath && o.keyword !== 'type') || isDeeper(o.instancePath, e.instancePath));
  });
  const problems: KeyProblem[] = [];
  const seen = new Set<string>();
  const typesAt = new Map<string, Set<string>>();
  for (const e of kept) {
    if (e.keyword === 'type') {
      const types = typesAt.get(e.instancePath) ?? new Set<string>();
      for (const t of [e.params.type as string | string[]].flat()) types.add(t);
      typesAt.set(e.instancePath, types);
      continue;
    }
    const problem = describe(e);
    const key = `${e.instancePath}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  for (const [instancePath, types] of typesAt) {
    problems.push({ path: toPath(instancePath), message: `must be ${[...types].map(article).join(' or ')}` });
  }
  return problems;
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function describe(e: ErrorObject): KeyProblem {
  const path = toPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      if (path.length === 0) return { path: [key], message: `unknown top-level key "${key}"` };
      if (path.length === 1 && TOP_LEVEL_MAPS.has(String(path[0]))) {
        return { path: [...path, key], message: `"${key}" is not a valid name (letters, digits, ".", "_" and "-")` };
      }
      return { path: [...path, key], message: `unknown key "${key}"` };
    }
    case 'required':
      return { path: [...path, String(e.params.missingProperty)], message: 'is required' };
    case 'enum':
      return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'uniqueItems':
      return { path, message: `must not repeat an item (items ${e.params.j} and ${e.params.i} are the same)` };
    case 'pattern':
      return { path, message: `must match ${String(e.params.pattern)}` };
    default:
      return { path, message: e.message ?? 'is not valid' };
  }
}
