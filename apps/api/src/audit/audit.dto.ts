import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AuditEntry } from '@app/catalog';

export class AuditQuery {
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

export class AuditEntryDto {
  @ApiProperty() id: number;
  @ApiProperty() at: string;
  @ApiProperty({ enum: ['rest', 'mcp'] }) source: 'rest' | 'mcp';
  @ApiProperty({ example: 'ci-deployer', description: "the token's name; local for the stdio MCP server" }) actor: string;
  @ApiProperty({ example: 'operator' }) role: string;
  @ApiProperty({ example: 'POST /api/services/:name/deploy', description: 'the route, or the MCP tool' }) action: string;
  @ApiPropertyOptional({ example: 'web' }) target?: string;
  @ApiPropertyOptional({
    description: 'path, query and body (REST) or the tool arguments (MCP), secrets masked',
    type: 'object',
    additionalProperties: true,
  })
  params?: unknown;
  @ApiPropertyOptional({ example: 200 }) status?: number;
  @ApiProperty({ enum: ['ok', 'error'] }) outcome: 'ok' | 'error';
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional() durationMs?: number;
}

export class AuditPageDto {
  @ApiProperty({ description: 'entries in the log' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ type: [AuditEntryDto], description: 'newest first' }) entries: AuditEntryDto[];
}

export function toAuditEntryDto(e: AuditEntry): AuditEntryDto {
  return {
    id: e.id ?? 0,
    at: e.at,
    source: e.source,
    actor: e.actor,
    role: e.role,
    action: e.action,
    target: e.target,
    params: e.params,
    status: e.status,
    outcome: e.outcome,
    error: e.error,
    requestId: e.requestId,
    durationMs: e.durationMs,
  };
}
