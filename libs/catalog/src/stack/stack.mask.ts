import { parse } from 'yaml';
import { isSecretKey, MASK } from '../masking/secret-key';
import { maskYamlSecrets, restoreYamlSecrets, type YamlSecretOptions } from '../masking/yaml-secrets';
import { normalizeStackPath } from './stack.types';

// A compose value that only names a variable (`${DB_PASSWORD}`) holds no secret:
// it is interpolated from the variables, which are masked on their own.
const COMPOSE_MASKING: YamlSecretOptions = { keepVariableReferences: true };

/** The stack's variables with the values of secret-looking names masked (an empty value stays empty). */
export function maskStackVariables(variables: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, isSecretKey(k) && v !== '' ? MASK : v]));
}

/**
 * The paths of the stack's files that hold a secret: the `file:` of every
 * top-level secret. Read from the compose text as written (best effort: an
 * unparsable file names none).
 */
export function secretFilePaths(compose: string): string[] {
  let doc: unknown;
  try {
    doc = parse(compose, { maxAliasCount: 200 });
  } catch {
    return [];
  }
  const secrets = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).secrets : undefined;
  if (!secrets || typeof secrets !== 'object') return [];
  const paths: string[] = [];
  for (const body of Object.values(secrets as Record<string, unknown>)) {
    const file = body && typeof body === 'object' ? (body as Record<string, unknown>).file : undefined;
    if (typeof file !== 'string') continue;
    const normal = normalizeStackPath(file);
    if ('path' in normal) paths.push(normal.path);
  }
  return paths;
}

/**
 * A stack for an answer: literal secret values in the compose file masked,
 * secret-looking variables masked, the content of every secret's file masked,
 * other files as text.
 */
export function maskStack<T extends { compose: string; variables: Record<string, string>; files: Record<string, Buffer | string> }>(
  stack: T,
): Omit<T, 'files'> & { files: Record<string, string> } {
  const secret = new Set(secretFilePaths(stack.compose));
  const files = Object.fromEntries(
    Object.entries(stack.files).map(([path, content]) => {
      const normal = normalizeStackPath(path);
      const isSecret = 'path' in normal && secret.has(normal.path);
      return [path, isSecret ? MASK : Buffer.isBuffer(content) ? content.toString('utf8') : content];
    }),
  );
  return { ...stack, compose: maskYamlSecrets(stack.compose, COMPOSE_MASKING), variables: maskStackVariables(stack.variables), files };
}

/**
 * The inverse for an edit: what a client sends back after reading a masked
 * stack, with every variable, file or compose value still equal to the mask
 * replaced by the stored value (a compose value only at the same path), so a
 * read-edit-save round trip keeps secrets it never saw.
 */
export function restoreMaskedStack<
  T extends { compose?: string; variables?: Record<string, string>; files?: Record<string, string | Buffer> },
>(incoming: T, stored: { compose?: string; variables: Record<string, string>; files: Record<string, Buffer> }): T {
  const compose =
    incoming.compose !== undefined && stored.compose !== undefined
      ? restoreYamlSecrets(incoming.compose, stored.compose, COMPOSE_MASKING)
      : incoming.compose;
  const variables = incoming.variables
    ? Object.fromEntries(
        Object.entries(incoming.variables).map(([k, v]) => [k, v === MASK && k in stored.variables ? stored.variables[k] : v]),
      )
    : incoming.variables;
  const storedFiles = new Map(Object.entries(stored.files).map(([p, c]) => [normalized(p), c]));
  const files = incoming.files
    ? Object.fromEntries(
        Object.entries(incoming.files).map(([p, c]) => [
          p,
          c === MASK && storedFiles.has(normalized(p)) ? (storedFiles.get(normalized(p)) as Buffer) : c,
        ]),
      )
    : incoming.files;
  return { ...incoming, compose, variables, files };
}

function normalized(path: string): string {
  const n = normalizeStackPath(path);
  return 'path' in n ? n.path : path;
}
