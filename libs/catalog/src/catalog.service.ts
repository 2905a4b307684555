import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { In, Not } from 'typeorm';
import { Document, isMap } from 'yaml';
import { DomainError } from '@app/common';
import { CatalogDatabase } from './database/catalog-database';
import { CatalogEntryEntity } from './database/catalog-entry.entity';
import { DeployAction, DeployRecordEntity, DeployStatus } from './database/deploy-record.entity';
import { parseDefinition, validateDefinition } from './definition/definition.parser';
import { ServiceDefinition } from './definition/definition.schema';
import { DefinitionFile, DefinitionStore } from './definition/definition.store';

export interface CatalogItem {
  name: string;
  /** The file's YAML, comments and all. */
  text: string;
  definition?: ServiceDefinition;
  error?: string;
  createdAt?: string;
  updatedAt?: string;
  lastDeployedAt?: string;
  lastDeployedSpecHash?: string;
  lastDeployedImage?: string;
  lastDeployedDigest?: string;
}

export interface DeployRecord {
  id: number;
  service: string;
  action: DeployAction;
  status: DeployStatus;
  startedAt: string;
  finishedAt?: string;
  image?: string;
  imageDigest?: string;
  specHash?: string;
  actor?: string;
  message?: string;
}

/** Definition text from either YAML or a JSON object, validated, and its name. */
export function definitionText(input: string | object): { text: string; definition: ServiceDefinition } {
  if (typeof input === 'string') {
    const { definition } = parseDefinition(input);
    return { text: input, definition };
  }
  const definition = validateDefinition(input);
  return { text: String(new Document(input)), definition };
}

/**
 * The service catalog: definitions from the YAML files (the source of truth
 * for specs) and, in SQLite, what files should not hold — timestamps, what was
 * last deployed, and the deploy history.
 */
@Injectable()
export class CatalogService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogService.name);

  constructor(
    private readonly store: DefinitionStore,
    private readonly db: CatalogDatabase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // a database created afresh (first start, or its file deleted) is filled from the files
    this.db.onOpen(() => void this.sync().catch((err) => this.logger.warn(`catalog sync failed: ${(err as Error).message}`)));
    try {
      const repo = await this.db.repository(DeployRecordEntity);
      const stuck = await repo.update(
        { status: 'in_progress' },
        { status: 'interrupted', finishedAt: new Date().toISOString(), message: 'the app stopped before this finished' },
      );
      if (stuck.affected) this.logger.warn(`${stuck.affected} deploy(s) left in progress by the last run marked interrupted`);
      await this.sync();
    } catch (err) {
      this.logger.error(`catalog start-up sync failed: ${(err as Error).message}; the catalog still serves the files`);
    }
    this.store.watch(() => void this.sync().catch((err) => this.logger.warn(`catalog sync failed: ${(err as Error).message}`)));
  }

  get definitionsDir(): string {
    return this.store.directory;
  }

  async list(): Promise<CatalogItem[]> {
    const files = await this.store.list();
    const meta = await this.metadata(files.map((f) => f.name));
    return files.map((f) => toItem(f, meta.get(f.name)));
  }

  async get(name: string): Promise<CatalogItem> {
    const file = await this.store.read(name);
    const meta = await this.metadata([name]);
    return toItem(file, meta.get(name));
  }

  /** The definition of `name`, or INVALID with the file's error. */
  async definition(name: string): Promise<ServiceDefinition> {
    const item = await this.get(name);
    if (!item.definition) throw new DomainError('INVALID', `${name}.yaml is not a valid definition: ${item.error}`);
    return item.definition;
  }

  async create(input: string | object): Promise<CatalogItem> {
    const { text, definition } = definitionText(input);
    await this.store.create(definition.name, text);
    await this.syncAfterWrite(definition.name);
    return this.get(definition.name);
  }

  async replace(name: string, input: string | object): Promise<CatalogItem> {
    const { text, definition } = definitionText(input);
    if (definition.name !== name)
      throw new DomainError('INVALID', `name: "${definition.name}" does not match the service being updated ("${name}")`);
    await this.store.replace(name, text);
    await this.syncAfterWrite(name);
    return this.get(name);
  }

  /** Sets deploy.replicas in the file, keeping its comments and key order. */
  setReplicas(name: string, replicas: number): Promise<CatalogItem> {
    return this.patch(name, [{ path: ['deploy', 'replicas'], value: replicas }]);
  }

  /**
   * Sets fields of the file (each by its path, e.g. `['deploy', 'replicas']`),
   * keeping the operator's comments and key order; missing or empty parents
   * become mappings. The result must still be a valid definition.
   */
  async patch(name: string, fields: Array<{ path: string[]; value: unknown }>): Promise<CatalogItem> {
    await this.store.edit(name, (doc) => {
      for (const { path, value } of fields) {
        for (let i = 1; i < path.length; i++) {
          if (!isMap(doc.getIn(path.slice(0, i)))) doc.setIn(path.slice(0, i), doc.createNode({}));
        }
        doc.setIn(path, value);
      }
    });
    await this.syncAfterWrite(name);
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    await this.store.remove(name);
    await this.db
      .run('remove a catalog entry', async () => (await this.db.repository(CatalogEntryEntity)).delete({ name }))
      .catch(() => undefined);
  }

  /** The file is written and is the truth: a database that cannot follow now catches up at the next sync. */
  private async syncAfterWrite(name: string): Promise<void> {
    await this.sync([name]).catch((err) => this.logger.warn(`catalog metadata of "${name}" not updated: ${(err as Error).message}`));
  }

  /** Brings SQLite in line with the files (all of them, or the named ones). */
  async sync(names?: string[]): Promise<void> {
    const files = names ? await Promise.all(names.map((n) => this.store.read(n).catch(() => undefined))) : await this.store.list();
    await this.db.run('sync the catalog', async () => {
      const repo = await this.db.repository(CatalogEntryEntity);
      const now = new Date().toISOString();
      for (const f of files) {
        if (!f) continue;
        const entry = await repo.findOneBy({ name: f.name });
        if (entry && entry.fileHash === f.hash) continue;
        await repo.save({
          ...(entry ?? {
            createdAt: now,
            lastDeployedAt: null,
            lastDeployedSpecHash: null,
            lastDeployedImage: null,
            lastDeployedDigest: null,
          }),
          name: f.name,
          updatedAt: now,
          fileHash: f.hash,
          valid: !f.error,
          error: f.error ?? null,
        });
      }
      if (!names) {
        const present = files.filter((f): f is DefinitionFile => !!f).map((f) => f.name);
        // entries whose file is gone (TypeORM refuses an empty criteria, hence the query builder)
        const stale = repo.createQueryBuilder().delete();
        await (present.length ? stale.where({ name: Not(In(present)) }) : stale).execute();
      }
    });
  }

  async recordDeployStart(
    service: string,
    action: DeployAction,
    details: { image?: string; spec?: object; specHash?: string; actor?: string } = {},
  ): Promise<number> {
    return this.db.run('record a deploy', async () => {
      const repo = await this.db.repository(DeployRecordEntity);
      const saved = await repo.save({
        service,
        action,
        status: 'in_progress' as DeployStatus,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        image: details.image ?? null,
        imageDigest: null,
        specHash: details.specHash ?? null,
        spec: details.spec ? JSON.stringify(details.spec) : null,
        actor: details.actor ?? null,
        message: null,
      });
      return saved.id;
    });
  }

  async recordDeployEnd(
    id: number,
    status: Exclude<DeployStatus, 'in_progress'>,
    details: { message?: string; imageDigest?: string; image?: string; spec?: object; specHash?: string } = {},
  ): Promise<void> {
    await this.db.run('record a deploy', async () => {
      const repo = await this.db.repository(DeployRecordEntity);
      await repo.update(
        { id },
        {
          status,
          finishedAt: new Date().toISOString(),
          message: details.message ?? null,
          ...(details.imageDigest ? { imageDigest: details.imageDigest } : {}),
          ...(details.image ? { image: details.image } : {}),
          ...(details.spec ? { spec: JSON.stringify(details.spec), specHash: details.specHash ?? null } : {}),
        },
      );
    });
  }

  /** Remembers what was deployed, to tell an unchanged definition from a changed one. */
  async markDeployed(name: string, deployed: { specHash: string | null; image: string | null; digest: string | null }): Promise<void> {
    await this.db.run('record a deploy', async () => {
      const repo = await this.db.repository(CatalogEntryEntity);
      await repo.update(
        { name },
        {
          lastDeployedAt: deployed.specHash ? new Date().toISOString() : null,
          lastDeployedSpecHash: deployed.specHash,
          lastDeployedImage: deployed.image,
          lastDeployedDigest: deployed.digest,
        },
      );
    });
  }

  async history(name: string, limit = 50): Promise<DeployRecord[]> {
    return this.db.run('read the deploy history', async () => {
      const repo = await this.db.repository(DeployRecordEntity);
      const rows = await repo.find({ where: { service: name }, order: { id: 'DESC' }, take: limit });
      return rows.map((r) => ({
        id: r.id,
        service: r.service,
        action: r.action,
        status: r.status,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt ?? undefined,
        image: r.image ?? undefined,
        imageDigest: r.imageDigest ?? undefined,
        specHash: r.specHash ?? undefined,
        actor: r.actor ?? undefined,
        message: r.message ?? undefined,
      }));
    });
  }

  /** Metadata is best effort: with SQLite down the catalog still lists its files. */
  private async metadata(names: string[]): Promise<Map<string, CatalogEntryEntity>> {
    try {
      const repo = await this.db.repository(CatalogEntryEntity);
      const rows = await this.db.run('read the catalog', () => repo.findBy({ name: In(names) }));
      return new Map(rows.map((r) => [r.name, r]));
    } catch (err) {
      this.logger.warn(`catalog metadata unavailable: ${(err as Error).message}`);
      return new Map();
    }
  }
}

function toItem(f: DefinitionFile, e?: CatalogEntryEntity): CatalogItem {
  return {
    name: f.name,
    text: f.text,
    definition: f.definition,
    error: f.error,
    createdAt: e?.createdAt,
    updatedAt: e?.updatedAt,
    lastDeployedAt: e?.lastDeployedAt ?? undefined,
    lastDeployedSpecHash: e?.lastDeployedSpecHash ?? undefined,
    lastDeployedImage: e?.lastDeployedImage ?? undefined,
    lastDeployedDigest: e?.lastDeployedDigest ?? undefined,
  };
}
