import { Injectable } from '@nestjs/common';
import { In, MoreThan } from 'typeorm';
import { DomainError } from '@app/common';
import { CatalogDatabase } from '../database/catalog-database';
import { DeployRecordEntity } from '../database/deploy-record.entity';
import { AlertEntity, AlertEventEntity } from './alert.entities';
import { AlertEventKind, AlertEventRecord, AlertRecord, AlertState, DeployOutcome, toAlert } from './alert.records';

/** Alerts and their history in the catalog's SQLite, and the deploy history the engine watches. */
@Injectable()
export class AlertStore {
  constructor(private readonly db: CatalogDatabase) {}

  firing(): Promise<AlertRecord[]> {
    return this.db.run('read the alerts', async () =>
      (await (await this.db.repository(AlertEntity)).find({ where: { state: 'firing' }, order: { id: 'ASC' } })).map(toAlert),
    );
  }

  async get(id: number): Promise<AlertRecord> {
    const row = await this.db.run('read an alert', async () => (await this.db.repository(AlertEntity)).findOneBy({ id }));
    if (!row) throw new DomainError('NOT_FOUND', `alert ${id} not found`);
    return toAlert(row);
  }

  /** Newest first; `state` filters. */
  list(opts: { state?: AlertState; limit: number; offset: number }): Promise<{ total: number; alerts: AlertRecord[] }> {
    return this.db.run('read the alerts', async () => {
      const [rows, total] = await (
        await this.db.repository(AlertEntity)
      ).findAndCount({ where: opts.state ? { state: opts.state } : {}, order: { id: 'DESC' }, take: opts.limit, skip: opts.offset });
      return { total, alerts: rows.map(toAlert) };
    });
  }

  create(a: Omit<AlertRecord, 'id' | 'notifications'>): Promise<AlertRecord> {
    return this.db.run('record an alert', async () => {
      const repo = await this.db.repository(AlertEntity);
      const row = await repo.save(
        repo.create({
          ...a,
          service: a.service ?? null,
          node: a.node ?? null,
          details: a.details ? JSON.stringify(a.details) : null,
          resolvedAt: a.resolvedAt ?? null,
          mutedBy: a.mutedBy ?? null,
          lastNotifiedAt: a.lastNotifiedAt ?? null,
          notifications: 0,
        }),
      );
      return toAlert(row);
    });
  }

  update(
    id: number,
    patch: Partial<Pick<AlertRecord, 'state' | 'message' | 'details' | 'resolvedAt' | 'mutedBy' | 'lastNotifiedAt' | 'notifications'>>,
  ): Promise<void> {
    return this.db.run('update an alert', async () => {
      const row: Partial<AlertEntity> = {};
      if (patch.state !== undefined) row.state = patch.state;
      if (patch.message !== undefined) row.message = patch.message;
      if ('details' in patch) row.details = patch.details ? JSON.stringify(patch.details) : null;
      if ('resolvedAt' in patch) row.resolvedAt = patch.resolvedAt ?? null;
      if ('mutedBy' in patch) row.mutedBy = patch.mutedBy ?? null;
      if ('lastNotifiedAt' in patch) row.lastNotifiedAt = patch.lastNotifiedAt ?? null;
      if (patch.notifications !== undefined) row.notifications = patch.notifications;
      await (await this.db.repository(AlertEntity)).update({ id }, row);
    });
  }

  addEvents(events: AlertEventRecord[]): Promise<void> {
    if (!events.length) return Promise.resolve();
    return this.db.run('record alert history', async () => {
      await (
        await this.db.repository(AlertEventEntity)
      ).insert(events.map((e) => ({ alertId: e.alertId ?? null, at: e.at, kind: e.kind, actor: e.actor ?? null, message: e.message })));
    });
  }

  /** Newest first; one alert's with `alertId`. */
  events(opts: { alertId?: number; limit: number; offset: number }): Promise<{ total: number; events: AlertEventRecord[] }> {
    return this.db.run('read alert history', async () => {
      const [rows, total] = await (
        await this.db.repository(AlertEventEntity)
      ).findAndCount({
        where: opts.alertId !== undefined ? { alertId: opts.alertId } : {},
        order: { id: 'DESC' },
        take: opts.limit,
        skip: opts.offset,
      });
      return {
        total,
        events: rows.map((r) => ({
          id: r.id,
          alertId: r.alertId ?? undefined,
          at: r.at,
          kind: r.kind as AlertEventKind,
          actor: r.actor ?? undefined,
          message: r.message,
        })),
      };
    });
  }

  /**
   * Deploys and rollbacks in the deploy history, in progress or finished, by id:
   * those after `afterId` oldest first, or (afterId unset) the newest `limit`, oldest first.
   */
  deployOutcomes(afterId: number | undefined, limit = 500): Promise<DeployOutcome[]> {
    return this.db.run('read the deploy history', async () => {
      const rows = await (
        await this.db.repository(DeployRecordEntity)
      ).find({
        where: { ...(afterId !== undefined ? { id: MoreThan(afterId) } : {}), action: In(['deploy', 'rollback']) },
        order: { id: afterId !== undefined ? 'ASC' : 'DESC' },
        take: limit,
      });
      if (afterId === undefined) rows.reverse();
      return rows.map((r) => ({
        id: r.id,
        service: r.service,
        action: r.action,
        status: r.status,
        at: r.finishedAt ?? r.startedAt,
        message: r.message ?? undefined,
      }));
    });
  }
}
