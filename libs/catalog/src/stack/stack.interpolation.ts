/**
 * Variable interpolation in a compose file, with the semantics of the Compose
 * Specification as compose-go implements them (template/template.go):
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
 * `${VAR?message}`, `${VAR:+alternative}`, `${VAR+alternative}`, `$$` for a
 * literal `$`; defaults, alternatives and messages are interpolated in turn, so
 * `${A:-${B:-x}}` nests. Variable names are `[_a-zA-Z][_a-zA-Z0-9]*`.
 *
 * Where the docker CLI's own, older template code (used by `docker stack
 * config/deploy`) differs, we follow the specification: the CLI refuses `:+`,
 * `+` and a `$` not followed by a name (compose keeps it literally), and it
 * does not nest defaults (`${A:-${B}}` leaves a stray `}`).
 */

export type Variables = Readonly<Record<string, string | undefined>>;

/** A template the grammar does not accept, or a required variable without a value. */
export class InterpolationError extends Error {
  constructor(
    message: string,
    /** The variable at fault, when there is one. */
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
const BRACED = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-+?])([\s\S]*))?$/;

/**
 * Interpolates one string. `onUnset` hears every variable used without a
 * value and without a default (compose substitutes an empty string and warns).
 */
export function interpolateString(template: string, variables: Variables, onUnset?: (name: string) => void): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(template, dollar);
      if (close < 0) throw new InterpolationError(`invalid interpolation format: "${template}"`);
      out += substituteBraced(template.slice(dollar + 2, close), template, variables, onUnset);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(template.slice(dollar + 1))?.[0];
    if (name) {
      out += lookup(name, variables, onUnset);
      i = dollar + 1 + name.length;
      continue;
    }
    // compose keeps a `$` that starts no substitution as it is
    out += '$';
    i = dollar + 1;
  }
  return out;
}

/**
 * The `}` that closes the `${` at `start`. compose-go counts every brace (a
 * `{` also skips the character after it); when the braces never balance it
 * falls back to the last `}` on the line, as its greedy pattern does.
 */
function closingBrace(s: string, start: number): number {
  let open = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++;
    }
  }
  const lineEnd = s.indexOf('\n', start);
  const last = s.lastIndexOf('}', lineEnd < 0 ? s.length : lineEnd);
  return last > start + 1 ? last : -1;
}

function substituteBraced(body: string, template: string, variables: Variables, onUnset?: (name: string) => void): string {
  const m = BRACED.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format: "${template}"`);
  const [, name, operator, argument = ''] = m;
  const value = variables[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  const nested = (text: string) => interpolateString(text, variables, onUnset);
  switch (operator) {
    case undefined:
      return lookup(name, variables, onUnset);
    case ':-':
      return nonEmpty ? value : nested(argument);
    case '-':
      return set ? value : nested(argument);
    case ':+':
      return nonEmpty ? nested(argument) : (value ?? '');
    case '+':
      return set ? nested(argument) : '';
    case ':?':
    case '?': {
      if (operator === ':?' ? nonEmpty : set) return value as string;
      const reason = nested(argument);
      throw new InterpolationError(`required variable ${name} is missing a value${reason ? `: ${reason}` : ''}`, name);
    }
    default:
      throw new InterpolationError(`invalid interpolation format: "${template}"`);
  }
}

function lookup(name: string, variables: Variables, onUnset?: (name: string) => void): string {
  const value = variables[name];
  if (value === undefined) onUnset?.(name);
  return value ?? '';
}

/** A key path in compose terms: `services.web.volumes[0].source`. */
export function keyPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** A failure at a key of the file: the path in compose terms and what is wrong there. */
export interface KeyProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Interpolates every string value (never a key) of a parsed compose file, as
 * compose does before validating it. Returns a copy, the problems (each naming
 * the key where the variable was used) and the variables used without a value.
 */
export function interpolateValues(value: unknown, variables: Variables): { value: unknown; problems: KeyProblem[]; unset: string[] } {
  const problems: KeyProblem[] = [];
  const unset = new Set<string>();
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      try {
        return interpolateString(v, variables, (name) => unset.add(name));
      } catch (err) {
        problems.push({ path, message: (err as Error).message });
        return v;
      }
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])]));
    }
    return v;
  };
  return { value: walk(value, []), problems, unset: [...unset].sort() };
}
