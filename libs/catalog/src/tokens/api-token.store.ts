import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CatalogDatabase } from '../database/catalog-database';
import { ApiTokenEntity } from './api-token.entity';

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: string;
  /** hex SHA-256 of the token */
  hash: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

const toRecord = (e: ApiTokenEntity): ApiTokenRecord => ({
  id: e.id,
  name: e.name,
  role: e.role,
  hash: e.hash,
  createdAt: e.createdAt,
  expiresAt: e.expiresAt ?? undefined,
  revokedAt: e.revokedAt ?? undefined,
  lastUsedAt: e.lastUsedAt ?? undefined,
});

/** API tokens (hashes, names, roles, expiry, revocation) in the catalog's SQLite. The app does the hashing. */
@Injectable()
export class ApiTokenStore {
  constructor(private readonly db: CatalogDatabase) {}

  async insert(token: Omit<ApiTokenRecord, 'revokedAt' | 'lastUsedAt'>): Promise<ApiTokenRecord> {
    return this.db.run('store a token', async () => {
      const repo = await this.db.repository(ApiTokenEntity);
      const entity = repo.create({ ...token, expiresAt: token.expiresAt ?? null, revokedAt: null, lastUsedAt: null });
      await repo.insert(entity);
      return toRecord(entity);
    });
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.db.run('read tokens', async () => {
      const row = await (await this.db.repository(ApiTokenEntity)).findOneBy({ hash });
      return row ? toRecord(row) : undefined;
    });
  }

  /** Oldest first. */
  async list(): Promise<ApiTokenRecord[]> {
    return this.db.run('read tokens', async () => {
      const rows = await (await this.db.repository(ApiTokenEntity)).find({ order: { createdAt: 'ASC', id: 'ASC' } });
      return rows.map(toRecord);
    });
  }

  /** Whether any admin token is usable now (not revoked, not expired). */
  async hasActiveAdmin(now = new Date()): Promise<boolean> {
    return this.db.run('read tokens', async () => {
      const rows = await (await this.db.repository(ApiTokenEntity)).findBy({ role: 'admin' });
      return rows.some((r) => !r.revokedAt && (!r.expiresAt || r.expiresAt > now.toISOString()));
    });
  }

  /** Marks the token revoked; revoking twice keeps the first time. NOT_FOUND for an unknown id. */
  async revoke(id: string, at = new Date()): Promise<ApiTokenRecord> {
    return this.db.run('revoke a token', async () => {
      const repo = await this.db.repository(ApiTokenEntity);
      const row = await repo.findOneBy({ id });
      if (!row) throw new DomainError('NOT_FOUND', `token ${id} not found`);
      if (!row.revokedAt) {
        row.revokedAt = at.toISOString();
        await repo.update({ id }, { revokedAt: row.revokedAt });
      }
      return toRecord(row);
    });
  }

  async touch(id: string, at = new Date()): Promise<void> {
    await this.db.run('update a token', async () => {
      await (await this.db.repository(ApiTokenEntity)).update({ id }, { lastUsedAt: at.toISOString() });
    });
  }
}
