import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, EntityTarget, FindOptionsOrder, ObjectLiteral, Repository } from 'typeorm';
import { DomainError } from '@app/common';
import { CATALOG_OPTIONS, CatalogOptions } from '../catalog.options';
import { CatalogEntryEntity } from './catalog-entry.entity';
import { DeployRecordEntity } from './deploy-record.entity';
import { HealthEventEntity } from '../health-history/health-event.entity';
import { MIGRATIONS } from './migrations';
import { ApiTokenEntity } from '../tokens/api-token.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ALERT_ENTITIES } from '../alerts/alert.entities';

/** Every entity the catalog's SQLite holds. */
export const ENTITIES = [CatalogEntryEntity, DeployRecordEntity, HealthEventEntity, ApiTokenEntity, AuditEntryEntity, ...ALERT_ENTITIES];

/**
 * The SQLite database in DATA_DIR: opened lazily (so a read-only or missing
 * DATA_DIR does not stop the app from serving what needs no database), migrated
 * on open, reopened after a failure (e.g. the file was deleted).
 */
@Injectable()
export class CatalogDatabase implements OnModuleDestroy {
  private readonly logger = new Logger(CatalogDatabase.name);
  private source?: Promise<DataSource>;
  private closed = false;
  private readonly openListeners: Array<() => void> = [];

  constructor(@Inject(CATALOG_OPTIONS) private readonly options: CatalogOptions) {}

  get file(): string {
    return join(this.options.dataDir, 'catalog.sqlite');
  }

  async repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Promise<Repository<T>> {
    return (await this.dataSource()).getRepository(entity);
  }

  /** One page of an append-only table, newest first, with how many rows it holds in all. */
  async newestFirst<T extends ObjectLiteral & { id: number }>(
    what: string,
    entity: EntityTarget<T>,
    limit: number,
    offset: number,
  ): Promise<{ rows: T[]; total: number }> {
    return this.run(what, async () => {
      const order = { id: 'DESC' } as FindOptionsOrder<T>;
      const [rows, total] = await (await this.repository(entity)).findAndCount({ order, take: limit, skip: offset });
      return { rows, total };
    });
  }

  /** Called after the database was (re)created, e.g. to fill it from the definition files again. */
  onOpen(listener: () => void): void {
    this.openListeners.push(listener);
  }

  async dataSource(): Promise<DataSource> {
    if (this.closed) throw new DomainError('UNAVAILABLE', 'the catalog database is closed: the app is shutting down');
    // a file deleted under a running app: SQLite would go on writing to the unlinked inode and lose it all at the next start
    if (this.source && !existsSync(this.file)) {
      this.logger.warn(`${this.file} disappeared; creating it again from the definition files`);
      await this.reset();
    }
    this.source ??= this.open().catch((err) => {
      this.source = undefined;
      throw new DomainError('UNAVAILABLE', `the catalog database ${this.file} cannot be opened: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    });
    return this.source;
  }

  /** Runs `fn`; a storage failure closes the connection so the next call reopens it, and surfaces as UNAVAILABLE. */
  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      const message = (err as Error).message ?? String(err);
      if (/SQLITE_(READONLY|CANTOPEN|IOERR|CORRUPT|NOTADB|FULL|BUSY)|readonly|disk I\/O|no such table/i.test(message)) {
        await this.reset();
        throw new DomainError('UNAVAILABLE', `the catalog database cannot ${what}: ${message}`, undefined, { cause: err });
      }
      throw err;
    }
  }

  async reset(): Promise<void> {
    const current = this.source;
    this.source = undefined;
    await current?.then((s) => s.destroy()).catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.reset();
  }

  private async open(): Promise<DataSource> {
    mkdirSync(this.options.dataDir, { recursive: true });
    const source = new DataSource({
      type: 'better-sqlite3',
      database: this.file,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: true,
      synchronize: false,
      logging: false,
      // WAL: readers do not block the writer; NORMAL sync is durable across app crashes
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
      },
    });
    await source.initialize();
    this.logger.log(`catalog database ${this.file} ready`);
    setImmediate(() => this.openListeners.forEach((l) => l()));
    return source;
  }
}

/** A row with its NULL columns as absent values, as the library's types have them. */
export function withoutNulls<T extends object>(row: T): { [K in keyof T]: Exclude<T[K], null> | (null extends T[K] ? undefined : never) } {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? undefined])) as {
    [K in keyof T]: Exclude<T[K], null> | (null extends T[K] ? undefined : never);
  };
}
