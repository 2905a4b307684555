import { open } from 'node:fs/promises';
import { DomainError } from '@app/common';

/*
 * What the catalog's file stores (service definitions, stacks) share: the
 * fsync of a directory after a rename, and one wording for a file system that
 * refuses, so a read-only DEFINITIONS_DIR reads the same from either store.
 */

/** Makes a rename inside `path` durable: the directory entry itself is flushed. */
export async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  await fh.sync().finally(() => fh.close());
}

/** A file system failure as UNAVAILABLE naming what could not be done and why (a read-only or forbidden directory said plainly). */
export function storageError(what: string, dir: string, err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? `${dir} is not writable (${code})` : (err as Error).message;
  return new DomainError('UNAVAILABLE', `cannot ${what}: ${reason}`, undefined, { cause: err });
}
