import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ALERT_RULE_IDS } from '@app/catalog';
import type { AlertMute } from '@app/catalog';

const DURATION = /^\s*\d+(\.\d+)?\s*[smhd]?\s*$/;
const DURATION_HELP = 'a duration: seconds, or "30s", "15m", "2h", "1d"';

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
