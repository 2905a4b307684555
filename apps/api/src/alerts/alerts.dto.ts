import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ALERT_RULE_IDS, ALERT_SEVERITIES } from '@app/catalog';
import type { AlertChannelRecord, AlertEventRecord, AlertMute, AlertRecord, AlertRule } from '@app/catalog';
import { CHANNEL_TYPES } from './channels';
import { EMAIL_TLS } from './channels/email.channel';

const DURATION = /^\s*\d+(\.\d+)?\s*[smhd]?\s*$/;
const DURATION_HELP = 'a duration: seconds, or "30s", "15m", "2h", "1d"';

export class AlertIdParams {
  @ApiProperty({ example: 12 })
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  id: number;
}

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ['firing', 'resolved'], description: 'only firing or only resolved alerts in `alerts`' })
  @IsOptional()
  @IsIn(['firing', 'resolved'], { message: 'must be firing or resolved' })
  state?: 'firing' | 'resolved';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(0)
  offset: number = 0;
}

export class AlertHistoryQuery extends AlertsQuery {}

export class MuteAlertDto {
  @ApiProperty({ example: '1h', description: `how long: ${DURATION_HELP}` })
  @IsString({ message: `must be ${DURATION_HELP}` })
  @Matches(DURATION, { message: `must be ${DURATION_HELP}` })
  duration: string;

  @ApiPropertyOptional({
    enum: ['subject', 'rule', 'global'],
    default: 'subject',
    description: "subject: the alert's service (or node) for every rule; rule: this rule for that subject only; global: every alert",
  })
  @IsOptional()
  @IsIn(['subject', 'rule', 'global'], { message: 'must be subject, rule or global' })
  scope?: 'subject' | 'rule' | 'global';

  @ApiPropertyOptional({ example: 'planned maintenance' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class CreateMuteDto {
  @ApiProperty({ enum: ['global', 'service', 'node'] })
  @IsIn(['global', 'service', 'node'], { message: 'must be global, service or node' })
  scope: 'global' | 'service' | 'node';

  @ApiPropertyOptional({ example: 'web', description: 'the service name or node hostname; not for global' })
  @ValidateIf((o: CreateMuteDto) => o.scope !== 'global')
  @IsString({ message: 'is required for a service or node mute' })
  @IsNotEmpty({ message: 'is required for a service or node mute' })
  @MaxLength(255)
  target?: string;

  @ApiPropertyOptional({ enum: ALERT_RULE_IDS, description: 'only this rule; unset: every rule' })
  @IsOptional()
  @IsIn(ALERT_RULE_IDS, { message: `must be one of ${ALERT_RULE_IDS.join(', ')}` })
  rule?: string;

  @ApiProperty({ example: '2h', description: DURATION_HELP })
  @IsString({ message: `must be ${DURATION_HELP}` })
  @Matches(DURATION, { message: `must be ${DURATION_HELP}` })
  duration: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class MuteIdParams extends AlertIdParams {}

/** A channel: common fields, then the fields of its type (url, secret, token for HTTP; host … tls for email). */
export class AlertChannelInputDto {
  @ApiProperty({ example: 'ops chat' })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES, { message: `must be one of ${CHANNEL_TYPES.join(', ')}` })
  type: (typeof CHANNEL_TYPES)[number];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, isArray: true, description: 'only these severities; empty or unset: all' })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_SEVERITIES, { each: true, message: `each must be one of ${ALERT_SEVERITIES.join(', ')}` })
  severities?: string[];

  @ApiPropertyOptional({ enum: ALERT_RULE_IDS, isArray: true, description: 'only these rules; empty or unset: all' })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_RULE_IDS, { each: true, message: `each must be one of ${ALERT_RULE_IDS.join(', ')}` })
  rules?: string[];

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/alerts',
    description: 'webhook, ntfy (the topic URL), slack (the incoming webhook URL)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'webhook: the HMAC key (at least 16 characters); masked in answers' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  secret?: string;

  @ApiPropertyOptional({ description: 'ntfy: an access token; masked in answers' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  token?: string;

  @ApiPropertyOptional({ description: 'email: the SMTP server' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  host?: string;

  @ApiPropertyOptional({ description: 'email: default 587 (starttls, none) or 465 (tls)' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({
    enum: EMAIL_TLS,
    default: 'starttls',
    description: 'email: starttls (required), tls (implicit, port 465) or none',
  })
  @IsOptional()
  @IsIn(EMAIL_TLS, { message: `must be one of ${EMAIL_TLS.join(', ')}` })
  tls?: (typeof EMAIL_TLS)[number];

  @ApiPropertyOptional({ description: 'email (SMTP login) or ntfy (basic auth)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'email or ntfy; masked in answers' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  password?: string;

  @ApiPropertyOptional({ example: 'swarm@example.com' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  from?: string;

  @ApiPropertyOptional({ type: [String], example: ['ops@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each must be an email address' })
  to?: string[];
}

export class AlertRuleDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity: string;
  @ApiProperty({ description: 'seconds the condition must hold before it fires' }) for: number;
  @ApiProperty({ description: 'seconds between repeats while it lasts; 0: never' }) repeat: number;
  @ApiPropertyOptional({ description: 'task_failed: seconds without a new failure before it resolves' }) resolveAfter?: number;
}

export class AlertRuleSetDto {
  @ApiProperty({ type: AlertRuleDto }) node_down: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) node_drained: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) replicas_below: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) task_failed: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) deploy_failed: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) docker_unreachable: AlertRuleDto;
  @ApiProperty({ type: AlertRuleDto }) registry_unreachable: AlertRuleDto;
}

export class AlertRulesDto {
  @ApiProperty({ example: '/data/alerts.yaml' }) path: string;
  @ApiProperty({ type: AlertRuleSetDto, description: 'every rule in force' })
  rules: AlertRuleSetDto;
  @ApiPropertyOptional({ description: 'the file as written; unset: no file, the built-in rules apply' }) yaml?: string;
  @ApiPropertyOptional({ description: 'why the file is not in force (the last good rules stay)' }) error?: string;
}

export class UpdateAlertRulesDto {
  @ApiProperty({
    example: 'rules:\n  replicas_below:\n    for: 60s\n  node_drained:\n    enabled: false\n',
    description:
      'the whole file: `rules.<id>.enabled / severity / for / repeat / resolve_after`; a rule left out keeps its built-in values',
  })
  @IsString({ message: 'must be the YAML text of the rules file' })
  @MaxLength(65536)
  yaml: string;
}

export class AlertDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ALERT_RULE_IDS }) rule: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity: string;
  @ApiProperty({ enum: ['firing', 'resolved'] }) state: string;
  @ApiProperty({ example: 'web', description: 'the node hostname, service name, Docker endpoint or registry URL' }) subject: string;
  @ApiPropertyOptional() service?: string;
  @ApiPropertyOptional() node?: string;
  @ApiProperty({ example: 'service web: 3 tasks failed recently, the last exit code 137: …' }) message: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'exit code, reason, constraints, replicas…' })
  details?: Record<string, unknown>;
  @ApiProperty({ description: 'when the condition began to hold' }) startedAt: string;
  @ApiProperty() firedAt: string;
  @ApiPropertyOptional() resolvedAt?: string;
  @ApiPropertyOptional({ description: 'who muted it; a muted alert is not sent' }) mutedBy?: string;
  @ApiPropertyOptional() lastNotifiedAt?: string;
  @ApiProperty({ description: 'notifications sent (fired, repeated, resolved)' }) notifications: number;
}

export class AlertEventDto {
  @ApiProperty() id: number;
  @ApiPropertyOptional() alertId?: number;
  @ApiProperty() at: string;
  @ApiProperty({ enum: ['fired', 'repeated', 'resolved', 'muted', 'unmuted'] }) kind: string;
  @ApiPropertyOptional({ description: 'who, for mutes' }) actor?: string;
  @ApiProperty() message: string;
}

export class AlertMuteDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['global', 'service', 'node'] }) scope: string;
  @ApiPropertyOptional() target?: string;
  @ApiPropertyOptional() rule?: string;
  @ApiProperty() until: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() actor: string;
  @ApiPropertyOptional() reason?: string;
}

export class AlertChannelStatusDto {
  @ApiProperty({
    enum: ['ok', 'failing', 'untested', 'disabled'],
    description: 'failing: the last delivery failed (after its retries, or while they go on)',
  })
  state: 'ok' | 'failing' | 'untested' | 'disabled';
  @ApiPropertyOptional() lastSuccessAt?: string;
  @ApiPropertyOptional() lastFailureAt?: string;
  @ApiPropertyOptional({ example: 'attempt 3 of 6: HTTP 500 from hooks.example.com' }) lastError?: string;
  @ApiProperty() consecutiveFailures: number;
  @ApiProperty({ description: 'notifications waiting or being retried' }) queued: number;
}

export class AlertChannelDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: [String] }) severities: string[];
  @ApiProperty({ type: [String] }) rules: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "url, host, port, from, to, tls…; secrets (secret, token, password, a Slack URL's path) as ********",
  })
  config: Record<string, unknown>;
  @ApiProperty({ type: AlertChannelStatusDto }) status: AlertChannelStatusDto;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ChannelTestResultDto {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ example: 'HTTP 500 from hooks.example.com' }) error?: string;
}

export class AlertChannelSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type: string;
  @ApiProperty({ type: AlertChannelStatusDto }) status: AlertChannelStatusDto;
}

export class AlertsPageDto {
  @ApiProperty({ type: [AlertDto], description: 'every firing alert, newest first' }) active: AlertDto[];
  @ApiProperty({ description: 'alerts matching `state` (all when unset)' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ type: [AlertDto], description: 'a page of alerts, newest first, firing and resolved' }) alerts: AlertDto[];
  @ApiProperty({ type: [AlertMuteDto], description: 'mutes in force' }) mutes: AlertMuteDto[];
  @ApiProperty({ type: [AlertChannelSummaryDto], description: "each channel's delivery status, so a failing channel shows" })
  channels: AlertChannelSummaryDto[];
  @ApiPropertyOptional({ description: 'why the rules file is not in force, if it is not' }) rulesError?: string;
  @ApiPropertyOptional({ description: 'why the last evaluation failed, if it did' }) engineError?: string;
}

export class AlertHistoryDto {
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ type: [AlertEventDto], description: 'newest first' }) events: AlertEventDto[];
}

export class AlertDetailDto extends AlertDto {
  @ApiProperty({ type: [AlertEventDto], description: 'this alert’s history, newest first' }) events: AlertEventDto[];
}

export function toAlertDto(a: AlertRecord): AlertDto {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    state: a.state,
    subject: a.subject,
    service: a.service,
    node: a.node,
    message: a.message,
    details: a.details,
    startedAt: a.startedAt,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    mutedBy: a.mutedBy,
    lastNotifiedAt: a.lastNotifiedAt,
    notifications: a.notifications,
  };
}

export function toAlertEventDto(e: AlertEventRecord): AlertEventDto {
  return { id: e.id ?? 0, alertId: e.alertId, at: e.at, kind: e.kind, actor: e.actor, message: e.message };
}

export function toAlertMuteDto(m: AlertMute): AlertMuteDto {
  return {
    id: m.id,
    scope: m.scope,
    target: m.target,
    rule: m.rule,
    until: m.until,
    createdAt: m.createdAt,
    actor: m.actor,
    reason: m.reason,
  };
}

export function channelStatus(c: AlertChannelRecord, queued: number): AlertChannelStatusDto {
  const failing = !!c.lastFailureAt && (!c.lastSuccessAt || c.lastFailureAt > c.lastSuccessAt);
  return {
    state: !c.enabled ? 'disabled' : failing ? 'failing' : c.lastSuccessAt ? 'ok' : 'untested',
    lastSuccessAt: c.lastSuccessAt,
    lastFailureAt: c.lastFailureAt,
    lastError: c.lastError,
    consecutiveFailures: c.consecutiveFailures,
    queued,
  };
}

export function toAlertRuleDto(r: AlertRule): AlertRuleDto {
  return { enabled: r.enabled, severity: r.severity, for: r.for, repeat: r.repeat, resolveAfter: r.resolveAfter };
}
