import { Injectable } from '@nestjs/common';
import { In, LessThanOrEqual, MoreThan, MoreThanOrEqual } from 'typeorm';
import { DomainError } from '@app/common';
import { CatalogDatabase } from '../database/catalog-database';
import { DeployRecordEntity } from '../database/deploy-record.entity';
import { AlertChannelEntity, AlertEntity, AlertEventEntity, AlertMuteEntity } from './alert.entities';

export type AlertState = 'firing' | 'resolved';

export interface AlertRecord {
  id: number;
  key: string;
  rule: string;
  severity: string;
  state: AlertState;
  subject: string;
  service?: string;
  node?: string;
  message: string;
  details?: Record<string, unknown>;
  startedAt: string;
  firedAt: string;
  resolvedAt?: string;
  mutedBy?: string;
  lastNotifiedAt?: string;
  notifications: number;
}

export type AlertEventKind = 'fired' | 'repeated' | 'resolved' | 'muted' | 'unmuted';

export interface AlertEventRecord {
  id?: number;
  alertId?: number;
  at: string;
  kind: AlertEventKind;
  actor?: string;
  message: string;
}

export interface AlertMute {
  id: number;
  scope: 'global' | 'service' | 'node';
  target?: string;
  rule?: string;
  until: string;
  createdAt: string;
  actor: string;
  reason?: string;
}

export interface AlertChannelRecord {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  severities: string[];
  rules: string[];
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: string;
  consecutiveFailures: number;
}

export interface DeployOutcome {
  id: number;
  service: string;
  action: string;
  status: string;
  at: string;
  message?: string;
}

const json = (text: string | null): any => (text ? JSON.parse(text) : undefined);

function toAlert(e: AlertEntity): AlertRecord {
  return {
    id: e.id,
    key: e.key,
    rule: e.rule,
    severity: e.severity,
    state: e.state as AlertState,
    subject: e.subject,
    service: e.service ?? undefined,
    node: e.node ?? undefined,
    message: e.message,
    details: json(e.details),
    startedAt: e.startedAt,
    firedAt: e.firedAt,
    resolvedAt: e.resolvedAt ?? undefined,
    mutedBy: e.mutedBy ?? undefined,
    lastNotifiedAt: e.lastNotifiedAt ?? undefined,
    notifications: e.notifications,
  };
}

function toChannel(e: AlertChannelEntity): AlertChannelRecord {
  return {
    id: e.id,
    name: e.name,
    type: e.type,
    enabled: !!e.enabled,
    severities: json(e.severities) ?? [],
    rules: json(e.rules) ?? [],
    config: json(e.config) ?? {},
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    lastSuccessAt: e.lastSuccessAt ?? undefined,
    lastFailureAt: e.lastFailureAt ?? undefined,
    lastError: e.lastError ?? undefined,
    consecutiveFailures: e.consecutiveFailures,
  };
}

function toMute(e: AlertMuteEntity): AlertMute {
  return {
    id: e.id,
    scope: e.scope as AlertMute['scope'],
    target: e.target ?? undefined,
    rule: e.rule ?? undefined,
    until: e.until,
    createdAt: e.createdAt,
    actor: e.actor,
    reason: e.reason ?? undefined,
  };
}

/** Alerts, their history, mutes and channels in the catalog's SQLite. */
@Injectable()
export class AlertStore {
  constructor(private readonly db: CatalogDatabase) {}

  private repo<T extends object>(entity: new () => T) {
    return this.db.repository(entity);
  }

  firing(): Promise<AlertRecord[]> {
    return this.db.run('read the alerts', async () =>
      (await (await this.repo(AlertEntity)).find({ where: { state: 'firing' }, order: { id: 'ASC' } })).map(toAlert),
    );
  }

  async get(id: number): Promise<AlertRecord> {
    const row = await this.db.run('read an alert', async () => (await this.repo(AlertEntity)).findOneBy({ id }));
    if (!row) throw new DomainError('NOT_FOUND', `alert ${id} not found`);
    return toAlert(row);
  }

  /** Newest first; `state` filters. */
  list(opts: { state?: AlertState; limit: number; offset: number }): Promise<{ total: number; alerts: AlertRecord[] }> {
    return this.db.run('read the alerts', async () => {
      const [rows, total] = await (
        await this.repo(AlertEntity)
      ).findAndCount({ where: opts.state ? { state: opts.state } : {}, order: { id: 'DESC' }, take: opts.limit, skip: opts.offset });
      return { total, alerts: rows.map(toAlert) };
    });
  }

  create(a: Omit<AlertRecord, 'id' | 'notifications'>): Promise<AlertRecord> {
    return this.db.run('record an alert', async () => {
      const repo = await this.repo(AlertEntity);
      const row = await repo.save(
        repo.create({
          key: a.key,
          rule: a.rule,
          severity: a.severity,
          state: a.state,
          subject: a.subject,
          service: a.service ?? null,
          node: a.node ?? null,
          message: a.message,
          details: a.details ? JSON.stringify(a.details) : null,
          startedAt: a.startedAt,
          firedAt: a.firedAt,
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
      await (await this.repo(AlertEntity)).update({ id }, row);
    });
  }

  addEvents(events: AlertEventRecord[]): Promise<void> {
    if (!events.length) return Promise.resolve();
    return this.db.run('record alert history', async () => {
      await (
        await this.repo(AlertEventEntity)
      ).insert(events.map((e) => ({ alertId: e.alertId ?? null, at: e.at, kind: e.kind, actor: e.actor ?? null, message: e.message })));
    });
  }

  /** Newest first; one alert's with `alertId`. */
  events(opts: { alertId?: number; limit: number; offset: number }): Promise<{ total: number; events: AlertEventRecord[] }> {
    return this.db.run('read alert history', async () => {
      const [rows, total] = await (
        await this.repo(AlertEventEntity)
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

  /** Mutes still in force at `now`. */
  activeMutes(now: string): Promise<AlertMute[]> {
    return this.db.run('read the mutes', async () =>
      (await (await this.repo(AlertMuteEntity)).find({ where: { until: MoreThan(now) }, order: { id: 'ASC' } })).map(toMute),
    );
  }

  addMute(m: Omit<AlertMute, 'id'>): Promise<AlertMute> {
    return this.db.run('record a mute', async () => {
      const repo = await this.repo(AlertMuteEntity);
      return toMute(
        await repo.save(
          repo.create({
            scope: m.scope,
            target: m.target ?? null,
            rule: m.rule ?? null,
            until: m.until,
            createdAt: m.createdAt,
            actor: m.actor,
            reason: m.reason ?? null,
          }),
        ),
      );
    });
  }

  /** Ends a mute now (kept as history); NOT_FOUND when there is none in force with that id. */
  async endMute(id: number, now: string): Promise<AlertMute> {
    return this.db.run('end a mute', async () => {
      const repo = await this.repo(AlertMuteEntity);
      const row = await repo.findOneBy({ id, until: MoreThan(now) });
      if (!row) throw new DomainError('NOT_FOUND', `mute ${id} not found or already over`);
      row.until = now;
      return toMute(await repo.save(row));
    });
  }

  /** Mutes that ended between `since` (exclusive) and `now`. */
  endedMutes(since: string, now: string): Promise<AlertMute[]> {
    return this.db.run('read the mutes', async () =>
      (await (await this.repo(AlertMuteEntity)).find({ where: { until: LessThanOrEqual(now) } }))
        .filter((m) => m.until > since)
        .map(toMute),
    );
  }

  channels(): Promise<AlertChannelRecord[]> {
    return this.db.run('read the alert channels', async () =>
      (await (await this.repo(AlertChannelEntity)).find({ order: { id: 'ASC' } })).map(toChannel),
    );
  }

  async channel(id: number): Promise<AlertChannelRecord> {
    const row = await this.db.run('read an alert channel', async () => (await this.repo(AlertChannelEntity)).findOneBy({ id }));
    if (!row) throw new DomainError('NOT_FOUND', `alert channel ${id} not found`);
    return toChannel(row);
  }

  saveChannel(
    c: Omit<AlertChannelRecord, 'id' | 'createdAt' | 'updatedAt' | 'consecutiveFailures'> & { id?: number },
  ): Promise<AlertChannelRecord> {
    return this.db.run('save an alert channel', async () => {
      const repo = await this.repo(AlertChannelEntity);
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

  async deleteChannel(id: number): Promise<void> {
    const res = await this.db.run('delete an alert channel', async () => (await this.repo(AlertChannelEntity)).delete({ id }));
    if (!res.affected) throw new DomainError('NOT_FOUND', `alert channel ${id} not found`);
  }

  /** A delivery's outcome: the channel's visible status. */
  recordDelivery(id: number, outcome: { ok: true; at: string } | { ok: false; at: string; error: string }): Promise<void> {
    return this.db.run('record a delivery', async () => {
      const repo = await this.repo(AlertChannelEntity);
      if (outcome.ok) await repo.update({ id }, { lastSuccessAt: outcome.at, consecutiveFailures: 0 });
      else
        await repo
          .increment({ id }, 'consecutiveFailures', 1)
          .then(() => repo.update({ id }, { lastFailureAt: outcome.at, lastError: outcome.error.slice(0, 1000) }));
    });
  }

  /** Finished deploys and rollbacks after `afterId`, oldest first (the last `limit` when afterId is 0). */
  deployOutcomes(afterId: number, limit = 500): Promise<DeployOutcome[]> {
    return this.db.run('read the deploy history', async () => {
      const rows = await (
        await this.repo(DeployRecordEntity)
      ).find({
        where: { id: MoreThanOrEqual(afterId + 1), action: In(['deploy', 'rollback']), status: In(['succeeded', 'failed']) },
        order: { id: afterId ? 'ASC' : 'DESC' },
        take: limit,
      });
      if (!afterId) rows.reverse();
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
