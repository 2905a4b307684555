import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, MaxLength } from 'class-validator';
import { ALERT_SEVERITIES } from '@app/catalog';
import type { AlertRule, AlertRuleId } from '@app/catalog';

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

export function toAlertRuleDto(r: AlertRule): AlertRuleDto {
  return { enabled: r.enabled, severity: r.severity, for: r.for, repeat: r.repeat, resolveAfter: r.resolveAfter };
}

export class PatchAlertRulesDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    example: { replicas_below: { for: '60s', severity: 'critical' }, node_drained: { enabled: false } },
    description:
      'settings to change, by rule: enabled, severity, for, repeat, resolve_after (durations as seconds or "30s", "5m"); the rest of the file and its comments stay; a value back at its built-in one leaves the file',
  })
  @IsObject({ message: 'must be an object of rules, e.g. { "replicas_below": { "for": "60s" } }' })
  rules: Partial<Record<AlertRuleId, Record<string, unknown>>>;
}
