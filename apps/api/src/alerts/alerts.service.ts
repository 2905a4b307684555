import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AlertChannelRecord, AlertMute, AlertRulesFile, AlertStore, parseDuration } from '@app/catalog';
import { MASK } from '../common/mask-secrets';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertEngine, toNotification } from './alert-engine';
import {
  AlertChannelDto,
  AlertChannelInputDto,
  AlertDetailDto,
  AlertHistoryDto,
  AlertMuteDto,
  AlertRulesDto,
  AlertRuleSetDto,
  AlertsPageDto,
  ChannelTestResultDto,
  channelStatus,
  CreateMuteDto,
  MuteAlertDto,
  toAlertDto,
  toAlertEventDto,
  toAlertMuteDto,
  toAlertRuleDto,
} from './alerts.dto';
import { CHANNEL_ADAPTERS, ChannelType } from './channels';

const CONFIG_KEYS = ['url', 'secret', 'token', 'host', 'port', 'tls', 'username', 'password', 'from', 'to'] as const;
/** A mute lasts at most this long: a forgotten mute must not silence a cluster for good. */
const MAX_MUTE_SECONDS = 30 * 86400;

/** Alerts for the REST API and MCP: reading them, muting, channels, rules. The engine fires and resolves them. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly store: AlertStore,
    private readonly rulesFile: AlertRulesFile,
    private readonly engine: AlertEngine,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async listAlerts(q: { state?: 'firing' | 'resolved'; limit: number; offset: number }): Promise<AlertsPageDto> {
    const now = new Date().toISOString();
    const [firing, page, mutes, channels] = await Promise.all([
      this.store.firing(),
      this.store.list(q),
      this.store.activeMutes(now),
      this.store.channels(),
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
    return (await this.store.activeMutes(new Date().toISOString())).map(toAlertMuteDto);
  }

  async endMute(id: number, actor: string): Promise<AlertMuteDto> {
    const now = new Date().toISOString();
    const mute = await this.store.endMute(id, now);
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
    const mute = await this.store.addMute({
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

  async listChannels(): Promise<AlertChannelDto[]> {
    const backlog = this.dispatcher.backlog();
    return (await this.store.channels()).map((c) => toChannelDto(c, backlog.get(c.id) ?? 0));
  }

  async getChannel(id: number): Promise<AlertChannelDto> {
    return toChannelDto(await this.store.channel(id), this.dispatcher.backlog().get(id) ?? 0);
  }

  async createChannel(body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return toChannelDto(await this.store.saveChannel(channelFrom(body)), 0);
  }

  /** Replaces the channel; a secret sent back as ******** keeps its stored value (a read-edit-write round trip). */
  async updateChannel(id: number, body: AlertChannelInputDto): Promise<AlertChannelDto> {
    const stored = await this.store.channel(id);
    const next = channelFrom(body, stored.type === body.type ? stored.config : undefined);
    return toChannelDto(await this.store.saveChannel({ ...next, id }), this.dispatcher.backlog().get(id) ?? 0);
  }

  deleteChannel(id: number): Promise<void> {
    return this.store.deleteChannel(id);
  }

  /** One delivery of a sample alert, now, and its outcome (also recorded on the channel's status). */
  async testChannel(id: number, actor: string): Promise<ChannelTestResultDto> {
    const channel = await this.store.channel(id);
    const at = new Date().toISOString();
    return this.dispatcher.sendOnce(
      channel,
      toNotification(
        {
          id: 0,
          key: 'test',
          rule: 'test',
          severity: 'info',
          state: 'firing',
          subject: channel.name,
          message: `test of alert channel "${channel.name}", sent by ${actor}`,
          startedAt: at,
          firedAt: at,
          notifications: 0,
        },
        'test',
        at,
      ),
    );
  }

  async getRules(): Promise<AlertRulesDto> {
    const state = await this.rulesFile.read();
    return rulesDto(this.rulesFile.path, state);
  }

  async updateRules(yaml: string): Promise<AlertRulesDto> {
    const state = await this.rulesFile.write(yaml);
    await this.engine.evaluate();
    return rulesDto(this.rulesFile.path, state);
  }
}

function rulesDto(path: string, state: { rules: Record<string, any>; text?: string; error?: string }): AlertRulesDto {
  return {
    path,
    rules: Object.fromEntries(Object.entries(state.rules).map(([k, r]) => [k, toAlertRuleDto(r)])) as unknown as AlertRuleSetDto,
    yaml: state.text,
    error: state.error,
  };
}

function describeMute(m: AlertMute): string {
  const what = m.scope === 'global' ? 'every alert' : `${m.scope} ${m.target}`;
  return m.rule ? `${m.rule} alerts of ${what}` : what;
}

/** A channel record from the request, checked by its adapter (INVALID naming each field); masked secrets take `stored`'s values. */
function channelFrom(
  body: AlertChannelInputDto,
  stored?: Record<string, unknown>,
): Omit<AlertChannelRecord, 'id' | 'createdAt' | 'updatedAt' | 'consecutiveFailures'> {
  const adapter = CHANNEL_ADAPTERS[body.type as ChannelType];
  const config: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (body[k] !== undefined) config[k] = body[k];
  for (const k of adapter.secrets) {
    const v = config[k];
    if (typeof v === 'string' && v.includes(MASK)) {
      if (stored?.[k] === undefined) throw new DomainError('INVALID', `${k}: is masked; send the value itself`);
      config[k] = stored[k];
    }
  }
  const errors = adapter.check(config);
  if (errors.length) throw new DomainError('INVALID', errors.join('; '));
  return {
    name: body.name,
    type: body.type,
    enabled: body.enabled ?? true,
    severities: body.severities ?? [],
    rules: body.rules ?? [],
    config,
  };
}

/** Secrets as MASK; a URL that is itself the credential keeps its origin so the operator can tell which it is. */
export function maskChannelConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
  const adapter = CHANNEL_ADAPTERS[type as ChannelType];
  const out = { ...config };
  for (const k of adapter?.secrets ?? []) {
    const v = out[k];
    if (typeof v !== 'string' || !v) continue;
    if (k === 'url') {
      try {
        out[k] = `${new URL(v).origin}/${MASK}`;
        continue;
      } catch {
        // not a URL: mask it whole
      }
    }
    out[k] = MASK;
  }
  return out;
}

function toChannelDto(c: AlertChannelRecord, queued: number): AlertChannelDto {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    severities: c.severities,
    rules: c.rules,
    config: maskChannelConfig(c.type, c.config),
    status: channelStatus(c, queued),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
