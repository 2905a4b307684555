import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class LivenessDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ example: 42 }) uptimeSeconds: number;
}

export class NodeHealthDto {
  @ApiProperty() id: string;
  @ApiProperty() hostname: string;
  @ApiProperty() role: string;
  @ApiProperty({ example: 'ready' }) state: string;
  @ApiProperty({ example: 'active' }) availability: string;
  @ApiProperty() ok: boolean;
}

export class ServiceHealthDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() mode: string;
  @ApiProperty() desired: number;
  @ApiProperty() running: number;
  @ApiProperty({ description: 'failed or rejected tasks in the last 10 minutes' }) recentFailures: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiProperty() version: number;
  @ApiProperty() ok: boolean;
}

export class DockerHealthDto {
  @ApiProperty() reachable: boolean;
  @ApiProperty() endpoint: string;
  @ApiPropertyOptional() error?: string;
}

export class RegistryHealthDto {
  @ApiProperty() configured: boolean;
  @ApiProperty() reachable: boolean;
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() error?: string;
}

export class HealthSnapshotDto {
  @ApiProperty({ enum: ['healthy', 'degraded', 'unhealthy'] }) status: 'healthy' | 'degraded' | 'unhealthy';
  @ApiProperty({ type: [String], example: ['node rog1 is down'] }) reasons: string[];
  @ApiProperty({ type: DockerHealthDto }) docker: DockerHealthDto;
  @ApiProperty({ type: RegistryHealthDto }) registry: RegistryHealthDto;
  @ApiProperty({ type: [NodeHealthDto] }) nodes: NodeHealthDto[];
  @ApiProperty({ type: [ServiceHealthDto] }) services: ServiceHealthDto[];
  @ApiPropertyOptional() lastPollAt?: string;
  @ApiPropertyOptional() lastPollDurationMs?: number;
  @ApiProperty() eventStreamConnected: boolean;
}

export class HealthEventDto {
  @ApiPropertyOptional() id?: number;
  @ApiProperty() at: string;
  @ApiProperty({ enum: ['cluster', 'node', 'service', 'docker', 'registry'] }) kind: string;
  @ApiProperty({ example: 'rog1' }) subject: string;
  @ApiProperty({ example: 'down' }) status: string;
  @ApiPropertyOptional() previous?: string;
  @ApiProperty() message: string;
}

export class HealthHistoryDto {
  @ApiProperty() total: number;
  @ApiProperty({ type: [HealthEventDto] }) events: HealthEventDto[];
}

export class HistoryQuery {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0)
  offset?: number;
}
