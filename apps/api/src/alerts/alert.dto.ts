import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { alertFacts, ALERT_RULE_IDS, ALERT_SEVERITIES } from '@app/catalog';
import type { AlertEventRecord, AlertRecord } from '@app/catalog';
import { AlertChannelSummaryDto } from './alert-channel.dto';
import { AlertMuteDto } from './alert-mute.dto';

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
  return { ...alertFacts(a), mutedBy: a.mutedBy, lastNotifiedAt: a.lastNotifiedAt, notifications: a.notifications };
}

export function toAlertEventDto(e: AlertEventRecord): AlertEventDto {
  return { id: e.id ?? 0, alertId: e.alertId, at: e.at, kind: e.kind, actor: e.actor, message: e.message };
}
