import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type DeployRecord } from '@app/catalog';
import type { StackLogLine } from '@app/swarm';
import { toDeployRecordDto } from '../services/deployment.dto';
import { LogsQuery } from '../services/service-logs.dto';

/** A stack's merged logs and its deploy history. */

export class StackLogsQuery extends LogsQuery {
  @ApiPropertyOptional({ description: 'keep only lines containing this text (case-insensitive)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;
}

export class StackLogLineDto {
  @ApiProperty({ example: 'web', description: 'the compose key of the service' }) service: string;
  @ApiPropertyOptional() timestamp?: string;
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream: 'stdout' | 'stderr';
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional({ description: 'absent for global services and jobs: the node says where the line comes from' }) taskSlot?: number;
  @ApiPropertyOptional() nodeHostname?: string;
  @ApiProperty() message: string;
}

export function toStackLogLineDto(l: StackLogLine): StackLogLineDto {
  return {
    service: l.service,
    timestamp: l.timestamp,
    stream: l.stream,
    taskId: l.taskId,
    taskSlot: l.taskSlot,
    nodeHostname: l.nodeHostname,
    message: l.message,
  };
}

export class StackHistoryRecordDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['deploy', 'stop'] }) action: string;
  @ApiProperty({ enum: ['in_progress', 'succeeded', 'failed', 'interrupted'] }) status: string;
  @ApiProperty() startedAt: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ description: "who asked: the token's name and role" }) actor?: string;
  @ApiPropertyOptional() message?: string;
}

/** A service's history record without the image fields: a stack's deploy has an image per service. */
export function toStackHistoryRecordDto(r: DeployRecord): StackHistoryRecordDto {
  const { image: _image, imageDigest: _digest, ...record } = toDeployRecordDto(r);
  return record;
}

/** POST /api/services/import?split=true: one definition per service of a file with several (the old behaviour); without it such a file is offered as a stack. */
