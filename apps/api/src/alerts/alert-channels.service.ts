import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AlertChannelRecord, AlertChannelStore } from '@app/catalog';
import { MASK } from '../common/mask-secrets';
import { AlertDispatcher } from './alert-dispatcher';
import { toNotification } from './alert-engine';
import { AlertChannelDto, AlertChannelInputDto, ChannelTestResultDto, channelStatus } from './alert-channel.dto';
import { CHANNEL_ADAPTERS, ChannelType } from './channels';

const CONFIG_KEYS = ['url', 'secret', 'token', 'host', 'port', 'tls', 'username', 'password', 'from', 'to'] as const;

/** Where alerts go (admin): channels with their secrets masked, and "send test". */
@Injectable()
export class AlertChannelsService {
  constructor(
    private readonly store: AlertChannelStore,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async listChannels(): Promise<AlertChannelDto[]> {
    const backlog = this.dispatcher.backlog();
    return (await this.store.list()).map((c) => toChannelDto(c, backlog.get(c.id) ?? 0));
  }

  async getChannel(id: number): Promise<AlertChannelDto> {
    return toChannelDto(await this.store.get(id), this.dispatcher.backlog().get(id) ?? 0);
  }

  async createChannel(body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return toChannelDto(await this.store.save(channelFrom(body)), 0);
  }

  /** Replaces the channel; a secret sent back as ******** keeps its stored value (a read-edit-write round trip). */
  async updateChannel(id: number, body: AlertChannelInputDto): Promise<AlertChannelDto> {
    const stored = await this.store.get(id);
    const next = channelFrom(body, stored.type === body.type ? stored.config : undefined);
    return toChannelDto(await this.store.save({ ...next, id }), this.dispatcher.backlog().get(id) ?? 0);
  }

  deleteChannel(id: number): Promise<void> {
    return this.store.delete(id);
  }

  /** One delivery of a sample alert, now, and its outcome (also recorded on the channel's status). */
  async testChannel(id: number, actor: string): Promise<ChannelTestResultDto> {
    const channel = await this.store.get(id);
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
