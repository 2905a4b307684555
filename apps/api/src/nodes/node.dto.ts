import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { NodeSummary, NodeUsage } from '@app/swarm';
import { OptionalBooleanFlag } from '../common/validation';

export class GenericResourceDto {
  @ApiProperty({ example: 'NVIDIA-GPU' }) kind: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }], example: 'GPU-0a1b' }) value: string | number;
}

export class NodeDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'spark1' }) hostname: string;
  @ApiProperty({ enum: ['manager', 'worker'] }) role: 'manager' | 'worker';
  @ApiProperty({ description: 'true for the raft leader' }) leader: boolean;
  @ApiPropertyOptional({ example: 'reachable' }) managerReachability?: string;
  @ApiProperty({ enum: ['active', 'pause', 'drain'] }) availability: 'active' | 'pause' | 'drain';
  @ApiProperty({ example: 'ready', description: 'ready, down, unknown or disconnected' }) state: string;
  @ApiPropertyOptional({ example: '10.0.0.12' }) address?: string;
  @ApiPropertyOptional({ example: '27.3.1' }) engineVersion?: string;
  @ApiPropertyOptional({ example: 'linux' }) os?: string;
  @ApiPropertyOptional({ example: 'x86_64' }) architecture?: string;
  @ApiProperty({ example: 8 }) cpus: number;
  @ApiProperty({ example: 34359738368 }) memoryBytes: number;
  @ApiProperty({ type: [GenericResourceDto] }) genericResources: GenericResourceDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { gpu: 'true' } }) labels: Record<string, string>;
  @ApiProperty({ description: "the swarm object's version index" }) version: number;
  @ApiProperty({ description: 'tasks running on the node' }) runningTasks: number;
  @ApiProperty({ description: 'CPUs reserved by its running tasks' }) reservedCpus: number;
  @ApiProperty({ description: 'memory reserved by its running tasks' }) reservedMemoryBytes: number;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() updatedAt?: string;
}

export function toNodeDto(n: NodeSummary, usage?: NodeUsage): NodeDto {
  return {
    runningTasks: usage?.runningTasks ?? 0,
    reservedCpus: usage?.reservedCpus ?? 0,
    reservedMemoryBytes: usage?.reservedMemoryBytes ?? 0,
    id: n.id,
    hostname: n.hostname,
    role: n.role,
    leader: n.leader,
    managerReachability: n.managerReachability,
    availability: n.availability,
    state: n.state,
    address: n.address,
    engineVersion: n.engineVersion,
    os: n.os,
    architecture: n.architecture,
    cpus: n.cpus,
    memoryBytes: n.memoryBytes,
    genericResources: n.genericResources,
    labels: n.labels,
    version: n.version,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  };
}

export class NodeIdParams {
  @ApiProperty({ description: 'node id, id prefix or hostname' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: 'id must be a node id or hostname (letters, digits, ".", "_", "-")' })
  id: string;
}

export class DrainNodeQuery {
  @ApiPropertyOptional({ description: 'drain even the last active manager' })
  @OptionalBooleanFlag()
  force?: boolean;

  @ApiPropertyOptional({ name: 'dry_run', description: 'answer the tasks that would move (a DeploymentPlanDto) and change nothing' })
  @OptionalBooleanFlag()
  dry_run?: boolean;
}

/** The same flag in a JSON body, for clients that send `{ "force": true }`. */
export class DrainNodeBody extends DrainNodeQuery {}

const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]{0,253}[A-Za-z0-9])?$/;

export class UpdateNodeLabelsDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { gpu: 'true' } })
  @IsOptional()
  @IsObject({ message: 'add must be an object of label keys to string values' })
  @Transform(({ value }) => value)
  add?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['old-label'] })
  @IsOptional()
  @IsArray({ message: 'remove must be an array of label keys' })
  @IsString({ each: true, message: 'remove must contain label keys (strings)' })
  @Matches(LABEL_KEY, { each: true, message: 'remove contains an invalid label key' })
  @MaxLength(255, { each: true })
  remove?: string[];
}

/** Checks the values of `add`, which class-validator cannot reach inside a plain map. */
export function labelProblems(add: Record<string, unknown> | undefined): string[] {
  return Object.entries(add ?? {}).flatMap(([k, v]) => [
    ...(LABEL_KEY.test(k) ? [] : [`add.${k}: invalid label key`]),
    ...(typeof v === 'string' ? [] : [`add.${k}: must be a string`]),
  ]);
}
