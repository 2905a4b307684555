import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AlertChannelStore, AlertMute, AlertMuteStore, AlertStore, parseDuration } from '@app/catalog';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertEngine } from './alert-engine';
import { channelStatus } from './alert-channel.dto';
import { AlertMuteDto, CreateMuteDto, MuteAlertDto, toAlertMuteDto } from './alert-mute.dto';
import { AlertDetailDto, AlertHistoryDto, AlertsPageDto, toAlertDto, toAlertEventDto } from './alert.dto';

/** A mute lasts at most this long: a forgotten mute must not silence a cluster for good. */
const MAX_MUTE_SECONDS = 30 * 86400;

/** Alerts for the REST API and MCP: reading them and muting. The engine fires and resolves them. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly store: AlertStore,
    private readonly mutes: AlertMuteStore,
    private readonly channels: AlertChannelStore,
    private readonly engine: AlertEngine,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async listAlerts(q: { state?: 'firing' | 'resolved'; limit: number; offset: number }): Promise<AlertsPageDto> {
    const now = new Date().toISOString();
    const [firing, page, mutes, channels] = await Promise.all([
      this.store.firing(),
      this.store.list(q),
      this.mutes.active(now),
      this.channels.list(),
    ]);
    const backlog = this.dispatcher.backlog();
    return {
      active: firing.reverse().map(toAlertDto),
      total: page.total,
      limit: q.limit,
      offset: q.offset,
      alerts: page.alerts.map(toAlertDto),
      mutes: mutes.map(toAlertMuteDto),
      channels: channels.map((c) => ({ id: c.id, name: c.name, type: c.type, status: channelStatus(c, backlog.get(c.id) ?? 0) })),
      rulesError: this.engine.rulesError,
      engineError: this.engine.lastError,
    };
  }

  async getAlert(id: number): Promise<AlertDetailDto> {
    const [alert, history] = await Promise.all([this.store.get(id), this.store.events({ alertId: id, limit: 200, offset: 0 })]);
    return { ...toAlertDto(alert), events: history.events.map(toAlertEventDto) };
  }

  async history(q: { limit: number; offset: number }): Promise<AlertHistoryDto> {
    const page = await this.store.events(q);
    return { total: page.total, limit: q.limit, offset: q.offset, events: page.events.map(toAlertEventDto) };
  }

  /** Mutes what the alert is about: its service or node (scope subject), only its rule there (rule), or everything (global). */
  async muteAlert(id: number, body: MuteAlertDto, actor: string): Promise<AlertMuteDto> {
    const alert = await this.store.get(id);
    const scope = body.scope ?? 'subject';
    const onlyRule = scope === 'rule' || (scope === 'subject' && !alert.service && !alert.node);
    const target: Pick<AlertMute, 'scope' | 'target'> =
      scope === 'global'
        ? { scope: 'global' }
        : alert.service
          ? { scope: 'service', target: alert.service }
          : alert.node
            ? { scope: 'node', target: alert.node }
            : { scope: 'global' };
    const mute = await this.addMute({ ...target, rule: onlyRule ? alert.rule : undefined }, body.duration, actor, body.reason, alert.id);
    await this.engine.evaluate();
    return mute;
  }

  async createMute(body: CreateMuteDto, actor: string): Promise<AlertMuteDto> {
    const mute = await this.addMute(
      { scope: body.scope, target: body.scope === 'global' ? undefined : body.target, rule: body.rule },
      body.duration,
      actor,
      body.reason,
    );
    await this.engine.evaluate();
    return mute;
  }

  async listMutes(): Promise<AlertMuteDto[]> {
    return (await this.mutes.active(new Date().toISOString())).map(toAlertMuteDto);
  }

  async endMute(id: number, actor: string): Promise<AlertMuteDto> {
    const now = new Date().toISOString();
    const mute = await this.mutes.end(id, now);
    await this.store.addEvents([{ at: now, kind: 'unmuted', actor, message: `${describeMute(mute)}: mute ended by ${actor}` }]);
    await this.engine.evaluate();
    return toAlertMuteDto(mute);
  }

  private async addMute(
    m: Pick<AlertMute, 'scope' | 'target' | 'rule'>,
    duration: string,
    actor: string,
    reason?: string,
    alertId?: number,
  ): Promise<AlertMuteDto> {
    const seconds = parseDuration(duration);
    if (!seconds || seconds > MAX_MUTE_SECONDS) throw new DomainError('INVALID', 'duration: must be more than 0 and at most 30 days');
    const now = new Date();
    const mute = await this.mutes.add({
      ...m,
      until: new Date(now.getTime() + seconds * 1000).toISOString(),
      createdAt: now.toISOString(),
      actor,
      reason,
    });
    await this.store.addEvents([
      {
        alertId,
        at: mute.createdAt,
        kind: 'muted',
        actor,
        message: `${describeMute(mute)} muted by ${actor} until ${mute.until}${reason ? `: ${reason}` : ''}`,
      },
    ]);
    return toAlertMuteDto(mute);
  }
}

function describeMute(m: AlertMute): string {
  const what = m.scope === 'global' ? 'every alert' : `${m.scope} ${m.target}`;
  return m.rule ? `${m.rule} alerts of ${what}` : what;
}
