import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, Matches, IsString } from 'class-validator';
import type { CatalogItem, DeployRecord } from '@app/catalog';
import type { ConvergenceResult, LiveService } from '@app/swarm';
import { LiveServiceDto, TaskDto, toLiveServiceDto } from './live-service.dto';

export type ServiceStatus = 'invalid' | 'not_deployed' | 'running' | 'updating' | 'degraded' | 'unknown';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class CatalogServiceDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiPropertyOptional({ example: '10.0.0.1:5000/web:1.4' }) image?: string;
  @ApiProperty({ enum: ['invalid', 'not_deployed', 'running', 'updating', 'degraded', 'unknown'], description: 'unknown: Docker is unreachable' })
  status: ServiceStatus;
  @ApiProperty({ example: 'running 3 of 3' }) statusText: string;
  @ApiPropertyOptional() replicasDesired?: number;
  @ApiPropertyOptional() replicasRunning?: number;
  @ApiPropertyOptional({ description: 'why the file is not a valid definition' }) error?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() updatedAt?: string;
  @ApiPropertyOptional() lastDeployedAt?: string;
  @ApiPropertyOptional() lastDeployedDigest?: string;
}

export function toCatalogServiceDto(item: CatalogItem, live: LiveService | undefined, dockerReachable: boolean): CatalogServiceDto {
  const def = item.definition;
  let status: ServiceStatus;
  let statusText: string;
  if (!def) [status, statusText] = ['invalid', `invalid: ${item.error}`];
  else if (!dockerReachable) [status, statusText] = ['unknown', 'unknown: Docker is unreachable'];
  else if (!live) [status, statusText] = ['not_deployed', 'not deployed'];
  else if (live.updateStatus?.state === 'updating' || live.updateStatus?.state === 'rollback_started') [status, statusText] = ['updating', `updating: ${live.replicasRunning} of ${live.replicasDesired} running`];
  else if (live.replicasRunning < live.replicasDesired) [status, statusText] = ['degraded', `running ${live.replicasRunning} of ${live.replicasDesired}`];
  else [status, statusText] = ['running', `running ${live.replicasRunning} of ${live.replicasDesired}`];
  return {
    name: item.name,
    description: def?.description,
    tags: def?.tags ?? [],
    image: def?.image,
    status,
    statusText,
    replicasDesired: live?.replicasDesired,
    replicasRunning: live?.replicasRunning,
    error: item.error,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    lastDeployedAt: item.lastDeployedAt,
    lastDeployedDigest: item.lastDeployedDigest,
  };
}

export class DriftItemDto {
  @ApiProperty({ example: 'TaskTemplate.ContainerSpec.Image' }) path: string;
  @ApiPropertyOptional({ description: 'what the definition says' }) definition?: unknown;
  @ApiPropertyOptional({ description: 'what the swarm runs' }) deployed?: unknown;
}

export class ServiceDetailDto extends CatalogServiceDto {
  @ApiProperty({ description: 'the definition file, YAML' }) yaml: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'the parsed definition' }) definition?: Record<string, unknown>;
  @ApiPropertyOptional({ type: LiveServiceDto }) live?: LiveServiceDto;
  @ApiProperty({ type: [TaskDto] }) tasks: TaskDto[];
  @ApiProperty({ type: [DriftItemDto], description: 'fields where the deployed spec differs from the definition; empty when in sync or not deployed' })
  drift: DriftItemDto[];
}

export class ReplicaStateDto {
  @ApiPropertyOptional() slot?: number;
  @ApiPropertyOptional() nodeHostname?: string;
  @ApiProperty() taskId: string;
  @ApiProperty() state: string;
  @ApiProperty() desiredState: string;
  @ApiPropertyOptional() error?: string;
}

export class ConvergenceDto {
  @ApiProperty({ enum: ['converged', 'failed', 'timeout'] }) outcome: 'converged' | 'failed' | 'timeout';
  @ApiProperty() message: string;
  @ApiProperty() desired: number;
  @ApiProperty() running: number;
  @ApiProperty() elapsedMs: number;
  @ApiProperty({ type: [ReplicaStateDto] }) replicas: ReplicaStateDto[];
}

export function toConvergenceDto(c: ConvergenceResult): ConvergenceDto {
  return {
    outcome: c.outcome,
    message: c.message,
    desired: c.desired,
    running: c.running,
    elapsedMs: c.elapsedMs,
    replicas: c.replicas.map((r) => ({ slot: r.slot, nodeHostname: r.nodeHostname, taskId: r.taskId, state: r.state, desiredState: r.desiredState, error: r.error })),
  };
}

export class DeployResultDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged'] }) action: 'created' | 'updated' | 'unchanged';
  @ApiProperty({ example: '10.0.0.1:5000/web:1.4@sha256:…' }) image: string;
  @ApiPropertyOptional() imageDigest?: string;
  @ApiProperty() historyId: number;
  @ApiProperty({ type: [String] }) warnings: string[];
  @ApiPropertyOptional({ type: ConvergenceDto, description: 'with wait=true' }) convergence?: ConvergenceDto;
}

export class DeployQuery {
  @ApiPropertyOptional({ description: 'wait for the replicas to converge (bounded)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'wait must be true or false' })
  wait?: boolean;

  @ApiPropertyOptional({ description: 'seconds to wait at most (default 120)', minimum: 1, maximum: 900 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'timeout must be a whole number of seconds' })
  @Min(1)
  @Max(900)
  timeout?: number;
}

export class ForceQuery {
  @ApiPropertyOptional({ description: 'stop the deployed service first' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'force must be true or false' })
  force?: boolean;
}

export class ScaleServiceDto {
  @ApiProperty({ minimum: 0, maximum: 1000, example: 3 })
  @IsInt({ message: 'replicas must be a whole number' })
  @Min(0, { message: 'replicas must be 0 or more' })
  @Max(1000, { message: 'replicas must be at most 1000' })
  replicas: number;
}

export class LogsQuery {
  @ApiPropertyOptional({ description: 'lines from the end of each task (default 200)', minimum: 0, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'tail must be a whole number' })
  @Min(0, { message: 'tail must be 0 or more' })
  @Max(10000, { message: 'tail must be at most 10000' })
  tail?: number;

  @ApiPropertyOptional({ description: 'unix seconds or an RFC 3339 time, or a duration like 10m' })
  @IsOptional()
  @IsString()
  @Matches(/^(\d+(\.\d+)?|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})|\d+[smh])$/, { message: 'since must be unix seconds, an RFC 3339 time or a duration like 10m' })
  since?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean({ message: 'timestamps must be true or false' }) timestamps?: boolean;

  @ApiPropertyOptional({ description: 'stream new lines as Server-Sent Events' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'follow must be true or false' })
  follow?: boolean;
}

export class LogLineDto {
  @ApiPropertyOptional() timestamp?: string;
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream: 'stdout' | 'stderr';
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() taskSlot?: number;
  @ApiPropertyOptional() nodeHostname?: string;
  @ApiProperty() message: string;
}

export class DeployRecordDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['deploy', 'scale', 'stop', 'rollback'] }) action: string;
  @ApiProperty({ enum: ['in_progress', 'succeeded', 'failed', 'interrupted'] }) status: string;
  @ApiProperty() startedAt: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional() image?: string;
  @ApiPropertyOptional() imageDigest?: string;
  @ApiPropertyOptional() actor?: string;
  @ApiPropertyOptional() message?: string;
}

export function toDeployRecordDto(r: DeployRecord): DeployRecordDto {
  return { id: r.id, action: r.action, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, image: r.image, imageDigest: r.imageDigest, actor: r.actor, message: r.message };
}

export class ImportReportDto {
  @ApiProperty({ type: [String] }) created: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } } })
  refused: Array<{ name: string; reason: string }>;
  @ApiPropertyOptional({ type: 'object', properties: { suggested: { type: 'boolean' }, services: { type: 'array', items: { type: 'string' } }, hint: { type: 'string' } }, description: 'a file with several services is a stack: nothing was split; import it with POST /api/stacks, or again with ?split=true' })
  stack?: { suggested: boolean; services: string[]; hint: string };
}

export class StopResultDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'false when it was not deployed' }) stopped: boolean;
}

export { toLiveServiceDto };
