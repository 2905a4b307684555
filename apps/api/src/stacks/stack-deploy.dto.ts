import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ConvergenceResult, StackDeployResult } from '@app/swarm';
import { OptionalBooleanFlag } from '../common/validation';
import { ConvergenceDto, toConvergenceDto } from '../services/deployment.dto';

/** A stack's deploy, stop and delete: their queries and answers, service by service. */

export class StackServiceConvergenceDto extends ConvergenceDto {
  @ApiProperty({ example: 'shop_web' }) service: string;
}

export function toStackConvergenceDto(c: ConvergenceResult): StackServiceConvergenceDto {
  return { service: c.service, ...toConvergenceDto(c) };
}

export class StackConvergenceDto {
  @ApiProperty({ enum: ['converged', 'failed', 'timeout'], description: 'the worst of the services' }) outcome:
    'converged' | 'failed' | 'timeout';
  @ApiProperty({ type: [StackServiceConvergenceDto] }) services: StackServiceConvergenceDto[];
}

export class StackDeployedServiceDto {
  @ApiProperty({ example: 'web' }) key: string;
  @ApiProperty({ example: 'shop_web' }) name: string;
  @ApiProperty({ enum: ['created', 'updated'] }) action: 'created' | 'updated';
  @ApiProperty({ type: [String], description: "the Engine's warnings" }) warnings: string[];
}

export class StackDeployResultDto {
  @ApiProperty({ example: 'shop' }) stack: string;
  @ApiProperty({ description: 'the deploy history record (GET /api/stacks/{name}/history)' }) historyId: number;
  @ApiProperty({ type: [String], description: 'as `docker stack deploy` prints them: ignored keys, unset variables' }) warnings: string[];
  @ApiProperty({ type: [StackDeployedServiceDto] }) services: StackDeployedServiceDto[];
  @ApiProperty({ type: [String], description: 'services removed by prune' }) removedServices: string[];
  @ApiProperty({ type: [String] }) createdNetworks: string[];
  @ApiProperty({ type: [String] }) createdConfigs: string[];
  @ApiProperty({ type: [String] }) createdSecrets: string[];
  @ApiProperty({ type: [String], description: 'config and secret versions no service uses any more, removed after convergence' })
  removedObjects: string[];
  @ApiPropertyOptional({ type: StackConvergenceDto, description: 'with wait=true (the default)' }) convergence?: StackConvergenceDto;
  @ApiProperty() elapsedMs: number;
}

export function toStackDeployResultDto(r: StackDeployResult, historyId: number, warnings: string[]): StackDeployResultDto {
  return {
    stack: r.stack,
    historyId,
    warnings,
    services: r.services,
    removedServices: r.removedServices,
    createdNetworks: r.createdNetworks,
    createdConfigs: r.createdConfigs,
    createdSecrets: r.createdSecrets,
    removedObjects: r.removedObjects,
    convergence: r.convergence
      ? { outcome: r.convergence.outcome, services: r.convergence.services.map(toStackConvergenceDto) }
      : undefined,
    elapsedMs: r.elapsedMs,
  };
}

export class StackDeployQuery {
  @ApiPropertyOptional({ description: 'wait until every service converged (default true)' })
  @OptionalBooleanFlag()
  wait?: boolean;

  @ApiPropertyOptional({ description: 'seconds to wait at most (default 120)', minimum: 1, maximum: 900 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'timeout must be a whole number of seconds' })
  @Min(1, { message: 'timeout must be at least 1' })
  @Max(900, { message: 'timeout must be at most 900' })
  timeout?: number;

  @ApiPropertyOptional({ description: "remove the stack's services that are no longer in the file (docker stack deploy --prune)" })
  @OptionalBooleanFlag()
  prune?: boolean;
}

export class StackDeleteQuery {
  @ApiPropertyOptional({ description: 'stop the deployed stack first' })
  @OptionalBooleanFlag()
  force?: boolean;
}

export class StackStopResultDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'false when nothing of the stack was on the swarm' }) stopped: boolean;
  @ApiProperty({ type: [String] }) services: string[];
  @ApiProperty({ type: [String] }) networks: string[];
  @ApiProperty({ type: [String] }) configs: string[];
  @ApiProperty({ type: [String] }) secrets: string[];
  @ApiPropertyOptional() historyId?: number;
}

/** `docker service logs` options for every service of the stack, and a text filter. */
