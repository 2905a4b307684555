import { posix } from 'node:path';
import { DomainError } from '@app/common';

/**
 * A service of a loaded stack: the compose keys as the specification spells
 * them, interpolated and validated. The keys `docker stack deploy` ignores are
 * removed; `env_file` is gone, its variables merged into `environment`, which
 * is always a map (a `null` value: the variable is named without a value).
 * Everything else keeps the form the author wrote (short or long syntax).
 */
export type ComposeService = Record<string, unknown> & {
  image: string;
  environment?: Record<string, string | null>;
};

/**
 * A top-level config or secret. One with `file:`, `environment:` or inline
 * `content:` in the file carries its bytes in `content` instead (the `file`
 * and `environment` keys removed); an `external` one is untouched.
 */
export type ComposeFileObject = Record<string, unknown> & {
  content?: Buffer;
  external?: boolean | Record<string, unknown> | string;
  name?: string;
};

/**
 * A stack's compose file after loadStack: plain JS. Top-level entries written
 * without a body (`networks: { frontend: }`) are `{}`; `x-` extensions,
 * `version` and `name` are dropped.
 */
export interface ComposeProject {
  services: Record<string, ComposeService>;
  networks?: Record<string, Record<string, unknown>>;
  volumes?: Record<string, Record<string, unknown>>;
  configs?: Record<string, ComposeFileObject>;
  secrets?: Record<string, ComposeFileObject>;
}

/**
 * A stack's name, as `docker stack deploy` uses it: it prefixes every service,
 * network, volume, config and secret (`<stack>_<name>`), so it stays short.
 */
export const STACK_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function assertStackName(name: string): void {
  if (typeof name !== 'string' || !STACK_NAME.test(name)) {
    throw new DomainError(
      'INVALID',
      `name "${String(name)}" is not a valid stack name: lowercase letters, digits, "-" and "_", starting with a letter or digit, 1-32 characters (it prefixes every object of the stack)`,
    );
  }
}

/** Names inside a stack's folder that are the store's own, not the stack's files. */
export const RESERVED_FILES = ['compose.yaml', 'variables.yaml'];

/**
 * A path of a file the stack refers to, relative to the stack's folder, in
 * one canonical form (`./caddy/Caddyfile` → `caddy/Caddyfile`). Returns the
 * reason it is refused instead when it is absolute or leaves the folder.
 */
export function normalizeStackPath(path: string): { path: string } | { error: string } {
  if (typeof path !== 'string' || path.trim() === '') return { error: 'is empty' };
  if (path.includes('\0')) return { error: 'contains a NUL character' };
  if (path.includes('\\')) return { error: 'contains a backslash: use "/" between folders' };
  if (posix.isAbsolute(path) || /^[a-zA-Z]:/.test(path))
    return { error: 'is absolute: a stack refers to its files relative to its folder' };
  if (path === '~' || path.startsWith('~/')) return { error: 'starts with "~": a stack refers to its files relative to its folder' };
  if (path.split('/').includes('..')) return { error: 'leaves the stack\'s folder ("..")' };
  const normal = posix.normalize(path);
  if (normal === '.' || normal.endsWith('/')) return { error: 'names a folder, not a file' };
  return { path: normal };
}
