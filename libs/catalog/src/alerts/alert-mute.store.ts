import { Injectable } from '@nestjs/common';
import { MoreThan } from 'typeorm';
import { DomainError } from '@app/common';
import { CatalogDatabase } from '../database/catalog-database';
import { AlertMuteEntity } from './alert.entities';
import { AlertMute, toMute } from './alert.records';

/** Mutes: alerts of a service, a node or every alert not sent until a time; kept after they end, as history. */
@Injectable()
export class AlertMuteStore {
  constructor(private readonly db: CatalogDatabase) {}

  /** Mutes still in force at `now`. */
  active(now: string): Promise<AlertMute[]> {
    return this.db.run('read the mutes', async () =>
      (await (await this.db.repository(AlertMuteEntity)).find({ where: { until: MoreThan(now) }, order: { id: 'ASC' } })).map(toMute),
    );
  }

  add(m: Omit<AlertMute, 'id'>): Promise<AlertMute> {
    return this.db.run('record a mute', async () => {
      const repo = await this.db.repository(AlertMuteEntity);
      return toMute(await repo.save(repo.create({ ...m, target: m.target ?? null, rule: m.rule ?? null, reason: m.reason ?? null })));
    });
  }

  /** Ends a mute now (kept as history); NOT_FOUND when there is none in force with that id. */
  async end(id: number, now: string): Promise<AlertMute> {
    return this.db.run('end a mute', async () => {
      const repo = await this.db.repository(AlertMuteEntity);
      const row = await repo.findOneBy({ id, until: MoreThan(now) });
      if (!row) throw new DomainError('NOT_FOUND', `mute ${id} not found or already over`);
      row.until = now;
      return toMute(await repo.save(row));
    });
  }
}
