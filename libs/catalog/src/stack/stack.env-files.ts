import type { KeyProblem, Variables } from './stack.interpolation';
import { isMap } from './stack.json';
import { normalizeStackPath } from './stack.types';

/**
 * `environment` as a map, with the `env_file`s read from the stack's files
 * underneath it (environment wins), as the docker CLI reads them: `KEY=VALUE`
 * taken literally, `#` comments, a bare `KEY` taking its value from the
 * stack's variables (dropped when there is none).
 */
export function mergeEnvironment(
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
