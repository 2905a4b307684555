import { Injectable } from '@nestjs/common';
import { CatalogDatabase } from '../database/catalog-database';
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
    return this.db.run('read the health history', async () => {
      const repo = await this.db.repository(HealthEventEntity);
      const [rows, total] = await repo.findAndCount({ order: { id: 'DESC' }, take: limit, skip: offset });
      return {
        total,
        events: rows.map((r) => ({
          id: r.id,
          at: r.at,
          kind: r.kind as HealthEvent['kind'],
          subject: r.subject,
          status: r.status,
          previous: r.previous ?? undefined,
          message: r.message,
        })),
      };
    });
  }
}
