import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { REPLICAS, REPLICAS_RULES, type DeployRecord } from '@app/catalog';
import type { ConvergenceResult } from '@app/swarm';
import { OptionalBooleanFlag } from '../common/validation';
import { DryRunQuery } from './deployment-plan.dto';

/* Deploy, scale, stop and rollback: their parameters, results and history records. */

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
    replicas: c.replicas.map((r) => ({
      slot: r.slot,
      nodeHostname: r.nodeHostname,
      taskId: r.taskId,
      state: r.state,
      desiredState: r.desiredState,
      error: r.error,
    })),
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

export class DeployQuery extends DryRunQuery {
  @ApiPropertyOptional({ description: 'wait for the replicas to converge (bounded)' })
  @OptionalBooleanFlag()
  wait?: boolean;

  @ApiPropertyOptional({ description: 'seconds to wait at most (default 120)', minimum: 1, maximum: 900 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'timeout must be a whole number of seconds' })
  @Min(1)
  @Max(900)
  timeout?: number;
}

export class ScaleServiceDto {
  @ApiProperty({ minimum: REPLICAS.min, maximum: REPLICAS.max, example: 3 })
  @IsInt({ message: `replicas ${REPLICAS_RULES.integer}` })
  @Min(REPLICAS.min, { message: `replicas ${REPLICAS_RULES.min}` })
  @Max(REPLICAS.max, { message: `replicas ${REPLICAS_RULES.max}` })
  replicas: number;
}

export class StopResultDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'false when it was not deployed' }) stopped: boolean;
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
  return {
    id: r.id,
    action: r.action,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    image: r.image,
    imageDigest: r.imageDigest,
    actor: r.actor,
    message: r.message,
  };
}
