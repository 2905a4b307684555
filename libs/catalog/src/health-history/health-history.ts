import { Injectable } from '@nestjs/common';
import { CatalogDatabase, withoutNulls } from '../database/catalog-database';
import { HealthEventEntity } from './health-event.entity';

export interface HealthEvent {
  id?: number;
  at: string;
  kind: 'cluster' | 'node' | 'service' | 'docker' | 'registry';
  subject: string;
  status: string;
  previous?: string;
  message: string;
}

/** Health transitions in SQLite, so an operator sees what happened overnight. */
@Injectable()
export class HealthHistory {
  constructor(private readonly db: CatalogDatabase) {}

  async record(events: HealthEvent[]): Promise<void> {
    if (!events.length) return;
    await this.db.run('record health events', async () => {
      const repo = await this.db.repository(HealthEventEntity);
      await repo.insert(
        events.map((e) => ({
          at: e.at,
          kind: e.kind,
          subject: e.subject,
          status: e.status,
          previous: e.previous ?? null,
          message: e.message,
        })),
      );
    });
  }

  /** Newest first. */
  async list(limit = 100, offset = 0): Promise<{ total: number; events: HealthEvent[] }> {
    const { rows, total } = await this.db.newestFirst('read the health history', HealthEventEntity, limit, offset);
    return { total, events: rows.map((r) => ({ ...withoutNulls(r), kind: r.kind as HealthEvent['kind'] })) };
  }
}
