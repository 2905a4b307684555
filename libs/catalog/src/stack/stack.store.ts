import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import { DomainError, KeyedLock } from '@app/common';
import { CATALOG_OPTIONS, CatalogOptions } from '../catalog.options';
import { MAX_STACK_FILE_BYTES, prepare } from './stack.input-checks';
import { loadStack } from './stack.loader';
import { assertStackName, RESERVED_FILES } from './stack.types';
import { storageError, syncDir } from '../storage/storage-errors';

export const COMPOSE_FILE = 'compose.yaml';
export const VARIABLES_FILE = 'variables.yaml';

/** What a client sends to create or replace a stack. */
export interface StackInput {
  /** The compose file's YAML text. */
  compose: string;
  variables?: Record<string, string>;
  /** Files the compose file refers to, by path relative to the stack's folder. */
  files?: Record<string, string | Buffer>;
}

/** A stack as it is on disk. */
export interface StackDefinition {
  name: string;
  /** The stack's folder. */
  path: string;
  compose: string;
  variables: Record<string, string>;
  files: Record<string, Buffer>;
  /** sha256 of everything above: changes whenever the stack does. */
  hash: string;
  /** What loadStack warns about (ignored keys, variables without a value). */
  warnings: string[];
  /** Why the stack on disk is not valid (edited by hand, or the rules changed). */
  error?: string;
}

/**
 * Stack definitions on disk: DEFINITIONS_DIR/stacks/<name>/ holds compose.yaml,
 * variables.yaml (a YAML map of name to string value, when the stack has
 * variables) and, at their relative paths, the files the compose file refers
 * to. A write builds the whole folder under a temporary name (every file
 * fsynced) and renames it into place, so a reader or a crash sees the old
 * stack or the new one, never a mixture; writes of one name are serialised.
 * A stack is validated (loadStack) before anything is written.
 */
@Injectable()
export class StackStore {
  private readonly lock = new KeyedLock();
  private readonly dir: string;

  constructor(@Inject(CATALOG_OPTIONS) options: CatalogOptions) {
    this.dir = resolve(options.definitionsDir, 'stacks');
  }

  get directory(): string {
    return this.dir;
  }

  /** The folder of a stack, only ever inside DEFINITIONS_DIR/stacks. */
  pathOf(name: string): string {
    assertStackName(name);
    const path = resolve(this.dir, name);
    if (!path.startsWith(this.dir + sep)) throw new DomainError('INVALID', `name "${name}" points outside the stacks directory`);
    return path;
  }

  async list(): Promise<StackDefinition[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw storageError('read the stacks directory', this.dir, err);
    }
    const names = new Set(entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name));
    // a replace interrupted between its two renames left only the previous folder
    for (const e of entries) {
      const m = /^\.(.+)\.[0-9a-f]{12}\.old$/.exec(e.name);
      if (m && !names.has(m[1])) names.add(m[1]);
    }
    const stacks = await Promise.all(
      [...names]
        .filter((n) => {
          try {
            assertStackName(n);
            return true;
          } catch {
            return false;
          }
        })
        .sort()
        .map((n) => this.read(n).catch(() => undefined)),
    );
    return stacks.filter((s): s is StackDefinition => s !== undefined);
  }

  async read(name: string): Promise<StackDefinition> {
    const path = this.pathOf(name);
    await this.recover(name);
    try {
      return await this.load(name, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DomainError('NOT_FOUND', `stack "${name}" is not in the catalog`);
      throw storageError(`read the stack "${name}"`, path, err);
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await stat(join(this.pathOf(name), COMPOSE_FILE));
      return true;
    } catch {
      return false;
    }
  }

  /** Validates and writes a new stack; CONFLICT when the name is taken, INVALID (nothing written) when the stack is refused. */
  async create(name: string, input: StackInput): Promise<StackDefinition> {
    const path = this.pathOf(name);
    const files = prepare(name, input);
    return this.exclusive(name, async () => {
      await this.recover(name);
      if (await exists(path)) throw new DomainError('CONFLICT', `stack "${name}" already exists in the catalog`);
      const tmp = await this.writeFolder(name, input, files);
      try {
        await rename(tmp, path);
        await syncDir(this.dir);
      } catch (err) {
        await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        throw storageError(`write the stack "${name}"`, this.dir, err);
      }
      return this.load(name, path);
    });
  }

  /** Validates and replaces a stack as a whole; NOT_FOUND when absent, INVALID (nothing written) when refused. */
  async replace(name: string, input: StackInput): Promise<StackDefinition> {
    const path = this.pathOf(name);
    const files = prepare(name, input);
    return this.exclusive(name, async () => {
      await this.recover(name);
      if (!(await exists(path))) throw new DomainError('NOT_FOUND', `stack "${name}" is not in the catalog`);
      const tmp = await this.writeFolder(name, input, files);
      const old = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.old`);
      try {
        await rename(path, old);
        await rename(tmp, path);
        await syncDir(this.dir);
      } catch (err) {
        if (!(await exists(path)) && (await exists(old))) await rename(old, path).catch(() => undefined);
        await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        throw storageError(`write the stack "${name}"`, this.dir, err);
      }
      await rm(old, { recursive: true, force: true }).catch(() => undefined);
      return this.load(name, path);
    });
  }

  async remove(name: string): Promise<void> {
    const path = this.pathOf(name);
    await this.exclusive(name, async () => {
      await this.recover(name);
      if (!(await exists(path))) throw new DomainError('NOT_FOUND', `stack "${name}" is not in the catalog`);
      // out of sight first (one rename), then deleted: a crash never leaves half a stack under its name
      const gone = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.removed`);
      try {
        await rename(path, gone);
        await syncDir(this.dir);
      } catch (err) {
        throw storageError(`delete the stack "${name}"`, this.dir, err);
      }
      await rm(gone, { recursive: true, force: true }).catch(() => undefined);
    });
  }

  /** Puts back the previous folder of a replace that stopped between its two renames. */
  private async recover(name: string): Promise<void> {
    const path = this.pathOf(name);
    if (await exists(path)) return;
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    const old = entries.find((e) => e.startsWith(`.${name}.`) && /^\.(.+)\.[0-9a-f]{12}\.old$/.exec(e)?.[1] === name);
    if (old) await rename(join(this.dir, old), path).catch(() => undefined);
  }

  private async writeFolder(name: string, input: StackInput, files: Map<string, Buffer>): Promise<string> {
    const tmp = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      await mkdir(tmp);
      const dirs = new Set<string>([tmp]);
      const write = async (relative: string, content: Buffer) => {
        const target = join(tmp, ...relative.split('/'));
        const parent = dirname(target);
        if (!dirs.has(parent)) {
          await mkdir(parent, { recursive: true });
          for (let d = parent; d.startsWith(tmp + sep); d = dirname(d)) dirs.add(d);
        }
        const fh = await open(target, 'wx', 0o600);
        try {
          await fh.writeFile(content);
          await fh.sync();
        } finally {
          await fh.close();
        }
      };
      await write(COMPOSE_FILE, Buffer.from(input.compose.endsWith('\n') ? input.compose : `${input.compose}\n`, 'utf8'));
      const variables = input.variables ?? {};
      if (Object.keys(variables).length) await write(VARIABLES_FILE, Buffer.from(stringify(sortedObject(variables)), 'utf8'));
      for (const [relative, content] of files) await write(relative, content);
      for (const d of [...dirs].sort((a, b) => b.length - a.length)) await syncDir(d);
      return tmp;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw storageError(`write the stack "${name}"`, this.dir, err);
    }
  }

  private async load(name: string, path: string): Promise<StackDefinition> {
    const compose = await readFile(join(path, COMPOSE_FILE), 'utf8');
    const variables = await readVariables(join(path, VARIABLES_FILE));
    const files: Record<string, Buffer> = {};
    const problems: string[] = [];
    await walk(path, '', files, problems);
    const hash = stackHash(compose, variables, files);
    const definition: StackDefinition = { name, path, compose, variables, files, hash, warnings: [] };
    if (problems.length) return { ...definition, error: problems.join('; ') };
    try {
      definition.warnings = loadStack({ name, compose, variables, files }).warnings;
    } catch (err) {
      definition.error = (err as Error).message;
    }
    return definition;
  }

  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(name, fn);
  }
}

/** Reads every file of a stack's folder but its own two; a symbolic link is refused (it could point anywhere). */
async function walk(root: string, relative: string, files: Record<string, Buffer>, problems: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const e of entries) {
    const rel = relative ? posix.join(relative, e.name) : e.name;
    if (!relative && RESERVED_FILES.includes(e.name)) continue;
    const info = await lstat(join(root, rel));
    if (info.isSymbolicLink()) problems.push(`files."${rel}": is a symbolic link; a stack's files must be inside its folder`);
    else if (info.isDirectory()) await walk(root, rel, files, problems);
    else if (!info.isFile()) problems.push(`files."${rel}": is not a regular file`);
    else if (info.size > MAX_STACK_FILE_BYTES) problems.push(`files."${rel}": larger than ${MAX_STACK_FILE_BYTES / 1024} KB`);
    else files[rel] = await readFile(join(root, rel));
  }
}

async function readVariables(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const value: unknown = parse(text);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new DomainError('INVALID', `${VARIABLES_FILE}: must be a map of variable name to value`);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]),
  );
}

export function stackHash(compose: string, variables: Record<string, string>, files: Record<string, Buffer>): string {
  const h = createHash('sha256').update(compose).update('\0');
  for (const [k, v] of Object.entries(sortedObject(variables))) h.update(`${k}=${v}\0`);
  for (const k of Object.keys(files).sort()) h.update(`${k}\0`).update(files[k]).update('\0');
  return h.digest('hex');
}

function sortedObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
