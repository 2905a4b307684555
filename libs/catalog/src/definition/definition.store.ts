import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { FSWatcher, mkdirSync, watch } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Document } from 'yaml';
import { DomainError, KeyedLock } from '@app/common';
import { CATALOG_OPTIONS, CatalogOptions } from '../catalog.options';
import { MAX_DEFINITION_BYTES, parseDefinition } from './definition.parser';
import { ServiceDefinition } from './definition.schema';
import { SERVICE_NAME, SERVICE_NAME_RULE } from './input-rules';
import { storageError, syncDir } from '../storage/storage-errors';

export interface DefinitionFile {
  name: string;
  path: string;
  text: string;
  hash: string;
  definition?: ServiceDefinition;
  /** Why the file is not a valid definition. */
  error?: string;
}

/**
 * The YAML files in DEFINITIONS_DIR, one per service: the source of truth for
 * specs. Writes are atomic (temp file, fsync, rename, fsync of the directory)
 * and serialised per name, so a crash never leaves a half-written file.
 */
@Injectable()
export class DefinitionStore implements OnModuleDestroy {
  private readonly logger = new Logger(DefinitionStore.name);
  private readonly lock = new KeyedLock();
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private closed = false;
  private readonly dir: string;

  constructor(@Inject(CATALOG_OPTIONS) options: CatalogOptions) {
    this.dir = resolve(options.definitionsDir);
  }

  get directory(): string {
    return this.dir;
  }

  /** The file of a service, only ever inside DEFINITIONS_DIR. */
  pathOf(name: string): string {
    if (!SERVICE_NAME.test(name)) {
      throw new DomainError('INVALID', `name "${name}" ${SERVICE_NAME_RULE}`);
    }
    const path = resolve(this.dir, `${name}.yaml`);
    if (!path.startsWith(this.dir + sep)) throw new DomainError('INVALID', `name "${name}" points outside the definitions directory`);
    return path;
  }

  async list(): Promise<DefinitionFile[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw storageError('read the definitions directory', this.dir, err);
    }
    const names = entries
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .map((f) => f.replace(/\.ya?ml$/, ''))
      .filter((n, i, all) => all.indexOf(n) === i)
      .sort();
    const files = await Promise.all(names.map((n) => this.load(n).catch(() => undefined)));
    return files.filter((f): f is DefinitionFile => f !== undefined);
  }

  async read(name: string): Promise<DefinitionFile> {
    this.pathOf(name);
    try {
      return await this.load(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DomainError('NOT_FOUND', `service "${name}" is not in the catalog`);
      throw storageError(`read the definition of "${name}"`, this.dir, err);
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await stat(this.pathOf(name));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes a new file; CONFLICT when the service exists. */
  async create(name: string, text: string): Promise<DefinitionFile> {
    return this.exclusive(name, async () => {
      if (await this.exists(name)) throw new DomainError('CONFLICT', `service "${name}" already exists in the catalog`);
      await this.writeAtomic(name, text);
      return this.load(name);
    });
  }

  /** Replaces a file's text; NOT_FOUND when absent. */
  async replace(name: string, text: string): Promise<DefinitionFile> {
    return this.exclusive(name, async () => {
      if (!(await this.exists(name))) throw new DomainError('NOT_FOUND', `service "${name}" is not in the catalog`);
      await this.writeAtomic(name, text);
      return this.load(name);
    });
  }

  /** Edits the YAML document in place, keeping the operator's comments and key order. */
  async edit(name: string, change: (doc: Document) => void): Promise<DefinitionFile> {
    return this.exclusive(name, async () => {
      const current = await this.read(name);
      const { doc } = parseDefinition(current.text, `${name}.yaml`);
      change(doc);
      const text = String(doc);
      parseDefinition(text, `${name}.yaml`);
      await this.writeAtomic(name, text);
      return this.load(name);
    });
  }

  async remove(name: string): Promise<void> {
    await this.exclusive(name, async () => {
      try {
        await rm(this.pathOf(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DomainError('NOT_FOUND', `service "${name}" is not in the catalog`);
        throw storageError(`delete the definition of "${name}"`, this.dir, err);
      }
    });
  }

  /** Calls `onChange` (debounced) whenever a file in the directory changes on disk. */
  watch(onChange: () => void): void {
    if (this.watcher || this.closed) return;
    mkdirSync(this.dir, { recursive: true });
    try {
      this.watcher = watch(this.dir, (_event, file) => {
        if (this.closed || (file && !/\.ya?ml$/.test(String(file)))) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(onChange, 150);
      });
      this.watcher.on('error', (err) => this.logger.warn(`watching ${this.dir} failed: ${err.message}`));
    } catch (err) {
      this.logger.warn(`cannot watch ${this.dir}: ${(err as Error).message}; changes on disk show after the next sync`);
    }
  }

  onModuleDestroy(): void {
    // no sync may start once the app is closing: it would reopen the database behind the shutdown
    this.closed = true;
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  private async load(name: string): Promise<DefinitionFile> {
    let path = this.pathOf(name);
    const info = await stat(path).catch(async (err) => {
      const yml = path.replace(/\.yaml$/, '.yml');
      const alt = await stat(yml).catch(() => undefined);
      if (!alt) throw err;
      path = yml;
      return alt;
    });
    if (info.size > MAX_DEFINITION_BYTES) {
      return { name, path, text: '', hash: '', error: `the file is larger than ${MAX_DEFINITION_BYTES / 1024} KB` };
    }
    const text = await readFile(path, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex');
    try {
      const { definition } = parseDefinition(text, `${name}.yaml`);
      if (definition.name !== name) {
        return { name, path, text, hash, error: `name: "${definition.name}" does not match the file name ${name}.yaml` };
      }
      return { name, path, text, hash, definition };
    } catch (err) {
      return { name, path, text, hash, error: (err as Error).message };
    }
  }

  private async writeAtomic(name: string, text: string): Promise<void> {
    const path = this.pathOf(name);
    const tmp = join(this.dir, `.${name}.yaml.${randomBytes(6).toString('hex')}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true });
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(text.endsWith('\n') ? text : `${text}\n`, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      await syncDir(this.dir);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw storageError(`write the definition of "${name}"`, this.dir, err);
    }
  }

  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(name, fn);
  }
}
