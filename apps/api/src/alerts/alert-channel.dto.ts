import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ALERT_RULE_IDS, ALERT_SEVERITIES } from '@app/catalog';
import type { AlertChannelRecord } from '@app/catalog';
import { CHANNEL_TYPES } from './channels';
import { EMAIL_TLS } from './channels/email.channel';

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
