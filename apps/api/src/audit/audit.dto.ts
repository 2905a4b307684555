import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AuditEntry } from '@app/catalog';
import { PagingQuery } from '../common/paging.dto';

export class AuditQuery extends PagingQuery {
  @ApiPropertyOptional({ description: 'a word in the actor, action, target or error (any case)', example: 'deploy' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;

  @ApiPropertyOptional({ description: 'exactly this actor (a token name)', example: 'ci-deployer' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'actor must be at most 200 characters' })
  actor?: string;

  @ApiPropertyOptional({ description: 'the route or MCP tool contains this', example: 'POST /api/services/:name/deploy' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'action must be at most 200 characters' })
  action?: string;

  @ApiPropertyOptional({ enum: ['ok', 'error'], description: 'only calls that succeeded, or only those that failed' })
  @IsOptional()
  @IsIn(['ok', 'error'], { message: 'outcome must be ok or error' })
  outcome?: 'ok' | 'error';
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
  @ApiProperty({ description: 'entries that match the filters' }) total: number;
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
