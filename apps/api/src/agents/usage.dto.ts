import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { ContainerUsage, NodeDiskUse, NodeImage, TaskLogLine } from '@app/swarm';
import type { AgentStatus } from './agent-directory';
import type { UsagePoint, UsageRange } from './usage-history';
import { figures, GpuUsage } from './usage.service';

export class UsageRangeQuery {
  @ApiPropertyOptional({ enum: ['1h', '24h'], description: '1h: every sample of the last hour; 24h: one point per minute (default 1h)' })
  @IsOptional()
  @IsIn(['1h', '24h'], { message: 'range must be 1h or 24h' })
  range?: UsageRange;
}

export class TopUsageQuery {
  @ApiPropertyOptional({ enum: ['cpu', 'memory'], description: 'order by (default cpu)' })
  @IsOptional()
  @IsIn(['cpu', 'memory'], { message: 'by must be cpu or memory' })
  by?: 'cpu' | 'memory';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'how many (default 10)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be between 1 and 100' })
  @Max(100, { message: 'limit must be between 1 and 100' })
  limit?: number;
}

export class TaskLogsParams {
  @ApiProperty({ description: 'node id, id prefix or hostname' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: 'id must be a node id or hostname (letters, digits, ".", "_", "-")' })
  id: string;

  @ApiProperty({ description: 'the task id (it may belong to a removed service)' })
  @IsString()
  @Matches(/^[a-z0-9]{1,64}$/, { message: 'taskId must be a task id (lower-case letters and digits)' })
  taskId: string;
}

export class TaskLogsQuery {
  @ApiPropertyOptional({ minimum: 0, maximum: 10000, description: 'lines from the end (default 200)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'tail must be a whole number' })
  @Min(0, { message: 'tail must be 0 or more' })
  @Max(10000, { message: 'tail must be at most 10000' })
  tail?: number;
}

export class AgentStatusDto {
  @ApiProperty() nodeId: string;
  @ApiProperty({ example: 'rog1' }) hostname: string;
  @ApiProperty({ enum: ['connected', 'unreachable', 'no-agent'], description: 'connected: answered within 10 s' })
  state: 'connected' | 'unreachable' | 'no-agent';
  @ApiPropertyOptional({ description: 'why it is not connected' }) reason?: string;
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() lastSeenAt?: string;
}

export function toAgentStatusDto(s: AgentStatus): AgentStatusDto {
  return { nodeId: s.nodeId, hostname: s.hostname, state: s.state, reason: s.reason, taskId: s.taskId, lastSeenAt: s.lastSeenAt };
}

export class UsageFiguresDto {
  @ApiProperty({ description: 'percent of one CPU (100 = one core busy), as docker stats' }) cpuPercent: number;
  @ApiProperty({ description: 'memory used, without inactive page cache (as docker stats)' }) memoryBytes: number;
  @ApiProperty({ description: "the memory limit (a node: its memory; a container without limit: its node's memory)" })
  memoryLimitBytes: number;
  @ApiProperty({ description: 'bytes received since start' }) networkRxBytes: number;
  @ApiProperty({ description: 'bytes sent since start' }) networkTxBytes: number;
  @ApiProperty() blockReadBytes: number;
  @ApiProperty() blockWriteBytes: number;
}

export class UsagePointDto extends UsageFiguresDto {
  @ApiProperty({ description: 'unix milliseconds' }) t: number;
}

export class ContainerUsageDto extends UsageFiguresDto {
  @ApiProperty() containerId: string;
  @ApiProperty() containerName: string;
  @ApiPropertyOptional() serviceName?: string;
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() taskName?: string;
}

export function toContainerUsageDto(c: ContainerUsage): ContainerUsageDto {
  return {
    containerId: c.containerId,
    containerName: c.containerName,
    serviceName: c.serviceName,
    taskId: c.taskId,
    taskName: c.taskName,
    ...figures(c),
  };
}

export class GpuDeviceDto {
  @ApiProperty() index: number;
  @ApiProperty() name: string;
  @ApiProperty() utilizationPercent: number;
  @ApiProperty() memoryUsedBytes: number;
  @ApiProperty() memoryTotalBytes: number;
}

export class GpuUsageDto {
  @ApiProperty() available: boolean;
  @ApiPropertyOptional({ example: 'nvidia-smi is not present on this node' }) reason?: string;
  @ApiPropertyOptional({ type: [GpuDeviceDto] }) gpus?: GpuDeviceDto[];
}

export function toGpuDto(g: GpuUsage): GpuUsageDto {
  return g.available ? { available: true, gpus: g.gpus } : { available: false, reason: g.reason };
}

export class NodeUsageDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() hostname: string;
  @ApiProperty({ type: AgentStatusDto }) agent: AgentStatusDto;
  @ApiProperty({ enum: ['1h', '24h'] }) range: UsageRange;
  @ApiPropertyOptional({ description: 'unix milliseconds of the latest sample' }) sampledAt?: number;
  @ApiPropertyOptional() cpus?: number;
  @ApiPropertyOptional() memoryTotalBytes?: number;
  @ApiPropertyOptional({ type: UsageFiguresDto, description: 'the containers summed' }) current?: UsageFiguresDto;
  @ApiProperty({ type: [ContainerUsageDto] }) containers: ContainerUsageDto[];
  @ApiPropertyOptional({ type: GpuUsageDto }) gpu?: GpuUsageDto;
  @ApiProperty({ type: [UsagePointDto] }) history: UsagePointDto[];
}

export class ReplicaUsageDto {
  @ApiProperty() taskId: string;
  @ApiPropertyOptional() taskName?: string;
  @ApiProperty() containerId: string;
  @ApiProperty() nodeId: string;
  @ApiProperty() hostname: string;
  @ApiProperty({ type: UsageFiguresDto }) current: UsageFiguresDto;
  @ApiProperty({ type: [UsagePointDto] }) history: UsagePointDto[];
}

export class ServiceUsageDto {
  @ApiProperty() service: string;
  @ApiProperty({ enum: ['1h', '24h'] }) range: UsageRange;
  @ApiProperty({ type: UsageFiguresDto, description: 'the running replicas summed' }) current: UsageFiguresDto;
  @ApiProperty({ type: [ReplicaUsageDto] }) replicas: ReplicaUsageDto[];
  @ApiProperty({ type: [UsagePointDto], description: 'the replicas summed per sample' }) history: UsagePointDto[];
  @ApiProperty({ type: [String], description: 'nodes whose agent did not answer: their replicas are missing from the sums' })
  nodesWithoutFigures: string[];
}

export class TopServiceDto extends UsageFiguresDto {
  @ApiProperty() service: string;
  @ApiProperty() replicas: number;
}

export class TopTaskDto extends UsageFiguresDto {
  @ApiProperty() service: string;
  @ApiProperty() taskId: string;
  @ApiPropertyOptional() taskName?: string;
  @ApiProperty() hostname: string;
}

export class TopUsageDto {
  @ApiProperty({ enum: ['cpu', 'memory'] }) by: 'cpu' | 'memory';
  @ApiProperty({ type: [TopServiceDto] }) services: TopServiceDto[];
  @ApiProperty({ type: [TopTaskDto] }) tasks: TopTaskDto[];
  @ApiProperty({ description: 'nodes with figures' }) nodes: number;
}

class DiskPartDto {
  @ApiProperty() count: number;
  @ApiPropertyOptional() active?: number;
  @ApiProperty() sizeBytes: number;
  @ApiProperty() reclaimableBytes: number;
}

export class NodeDiskDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() hostname: string;
  @ApiProperty({ example: '/var/lib/docker' }) dataRoot: string;
  @ApiProperty({ type: DiskPartDto }) images: DiskPartDto;
  @ApiProperty({ type: DiskPartDto }) containers: DiskPartDto;
  @ApiProperty({ type: DiskPartDto }) volumes: DiskPartDto;
  @ApiProperty({ type: DiskPartDto }) buildCache: DiskPartDto;
  @ApiProperty() totalBytes: number;
}

export function toNodeDiskDto(nodeId: string, hostname: string, d: NodeDiskUse & { dataRoot: string }): NodeDiskDto {
  return {
    nodeId,
    hostname,
    dataRoot: d.dataRoot,
    images: d.images,
    containers: d.containers,
    volumes: d.volumes,
    buildCache: d.buildCache,
    totalBytes: d.totalBytes,
  };
}

export class NodeImageDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [String] }) digests: string[];
  @ApiProperty() sizeBytes: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'containers on the node using it (-1: not counted)' }) containers: number;
}

export function toNodeImageDto(i: NodeImage): NodeImageDto {
  return { id: i.id, tags: i.tags, digests: i.digests, sizeBytes: i.sizeBytes, createdAt: i.createdAt, containers: i.containers };
}

export class TaskLogLineDto {
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream: 'stdout' | 'stderr';
  @ApiProperty() text: string;
}

export class TaskLogsDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() hostname: string;
  @ApiProperty() taskId: string;
  @ApiProperty({ type: [TaskLogLineDto] }) lines: TaskLogLineDto[];
}

export function toTaskLogsDto(nodeId: string, hostname: string, taskId: string, lines: TaskLogLine[]): TaskLogsDto {
  return { nodeId, hostname, taskId, lines: lines.map((l) => ({ stream: l.stream, text: l.text })) };
}

export function toPointDtos(points: UsagePoint[]): UsagePointDto[] {
  return points.map((p) => ({ t: p.t, ...figures(p) }));
}
