import { DomainError } from '@app/common';
import { loadStack, MAX_COMPOSE_BYTES } from './stack.loader';
import type { StackInput } from './stack.store';
import { assertStackName, normalizeStackPath, RESERVED_FILES } from './stack.types';

/** Largest file a stack may carry (Docker caps a config at 1000 KB, a secret at 500 KB). */
export const MAX_STACK_FILE_BYTES = 1000 * 1024;
/** Largest sum of a stack's files. */
export const MAX_STACK_FILES_BYTES = 8 * 1024 * 1024;

/** Checks a stack before any write: its name, its files' paths and sizes, and the stack itself (loadStack). */
export function prepare(name: string, input: StackInput): Map<string, Buffer> {
  assertStackName(name);
  if (!input || typeof input.compose !== 'string') throw new DomainError('INVALID', "compose: must be the compose file's YAML text");
  if (Buffer.byteLength(input.compose, 'utf8') > MAX_COMPOSE_BYTES)
    throw new DomainError('INVALID', `compose: larger than ${MAX_COMPOSE_BYTES / 1024} KB`);
  const variables = input.variables ?? {};
  const badVariables = Object.entries(variables).filter(([k, v]) => !/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(k) || typeof v !== 'string');
  if (badVariables.length) {
    throw new DomainError(
      'INVALID',
      badVariables
        .map(
          ([k]) =>
            `variables.${k}: ${/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(k) ? 'must be a string' : 'is not a variable name (letters, digits and "_", not starting with a digit)'}`,
        )
        .join('; '),
    );
  }
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  let total = 0;
  for (const [path, content] of Object.entries(input.files ?? {})) {
    const normal = normalizeStackPath(path);
    if ('error' in normal) {
      problems.push(`files."${path}": ${normal.error}`);
      continue;
    }
    if (RESERVED_FILES.includes(normal.path)) {
      problems.push(`files."${path}": the name is the store's own (${RESERVED_FILES.join(', ')}); choose another`);
      continue;
    }
    const prefix = [...files.keys()].find((p) => p.startsWith(`${normal.path}/`) || normal.path.startsWith(`${p}/`));
    if (files.has(normal.path) || prefix) {
      problems.push(`files."${path}": clashes with "${prefix ?? normal.path}"`);
      continue;
    }
    if (typeof content !== 'string' && !Buffer.isBuffer(content)) {
      problems.push(`files."${path}": must be the file's content as a string`);
      continue;
    }
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    if (bytes.length > MAX_STACK_FILE_BYTES)
      problems.push(`files."${path}": larger than ${MAX_STACK_FILE_BYTES / 1024} KB (the most Docker keeps in a config)`);
    total += bytes.length;
    files.set(normal.path, bytes);
  }
  if (total > MAX_STACK_FILES_BYTES) problems.push(`files: together larger than ${MAX_STACK_FILES_BYTES / 1024 / 1024} MB`);
  if (problems.length) throw new DomainError('INVALID', problems.join('; '));
  loadStack({ name, compose: input.compose, variables, files: Object.fromEntries(files) });
  return files;
}
