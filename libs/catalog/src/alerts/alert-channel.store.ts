import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CatalogDatabase } from '../database/catalog-database';
import { AlertChannelEntity } from './alert.entities';
import { AlertChannelRecord, toChannel } from './alert.records';

/** Where alerts go, with their secrets (masking is the API's job) and each channel's last delivery. */
@Injectable()
export class AlertChannelStore {
  constructor(private readonly db: CatalogDatabase) {}

  list(): Promise<AlertChannelRecord[]> {
    return this.db.run('read the alert channels', async () =>
      (await (await this.db.repository(AlertChannelEntity)).find({ order: { id: 'ASC' } })).map(toChannel),
    );
  }

  async get(id: number): Promise<AlertChannelRecord> {
    const row = await this.db.run('read an alert channel', async () => (await this.db.repository(AlertChannelEntity)).findOneBy({ id }));
    if (!row) throw new DomainError('NOT_FOUND', `alert channel ${id} not found`);
    return toChannel(row);
  }

  save(
    c: Omit<AlertChannelRecord, 'id' | 'createdAt' | 'updatedAt' | 'consecutiveFailures'> & { id?: number },
  ): Promise<AlertChannelRecord> {
    return this.db.run('save an alert channel', async () => {
      const repo = await this.db.repository(AlertChannelEntity);
      const now = new Date().toISOString();
      const existing = c.id !== undefined ? await repo.findOneBy({ id: c.id }) : null;
      if (c.id !== undefined && !existing) throw new DomainError('NOT_FOUND', `alert channel ${c.id} not found`);
      const row =
        existing ?? repo.create({ createdAt: now, consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null });
      Object.assign(row, {
        name: c.name,
        type: c.type,
        enabled: c.enabled,
        severities: JSON.stringify(c.severities),
        rules: JSON.stringify(c.rules),
        config: JSON.stringify(c.config),
        updatedAt: now,
      });
      return toChannel(await repo.save(row));
    });
  }

  async delete(id: number): Promise<void> {
    const res = await this.db.run('delete an alert channel', async () => (await this.db.repository(AlertChannelEntity)).delete({ id }));
    if (!res.affected) throw new DomainError('NOT_FOUND', `alert channel ${id} not found`);
  }

  /** A delivery's outcome: the channel's visible status. */
  recordDelivery(id: number, outcome: { ok: true; at: string } | { ok: false; at: string; error: string }): Promise<void> {
    return this.db.run('record a delivery', async () => {
      const repo = await this.db.repository(AlertChannelEntity);
      if (outcome.ok) await repo.update({ id }, { lastSuccessAt: outcome.at, consecutiveFailures: 0 });
      else
        await repo
          .increment({ id }, 'consecutiveFailures', 1)
          .then(() => repo.update({ id }, { lastFailureAt: outcome.at, lastError: outcome.error.slice(0, 1000) }));
    });
  }
}
