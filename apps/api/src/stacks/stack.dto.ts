import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, validateSync } from 'class-validator';
import { STACK_NAME, type DeployRecord } from '@app/catalog';
import type { ConvergenceResult, StackDeployResult, StackLogLine, StackTask } from '@app/swarm';
import { describeValidationErrors } from '../common/validation';
import { OptionalBooleanFlag } from '../common/validation';
import { ConvergenceDto, toConvergenceDto, toDeployRecordDto } from '../services/deployment.dto';
import { LogsQuery } from '../services/service-logs.dto';
import { IMAGE_NOT_FOLLOWED_PROPERTY, IMAGE_UPDATE_PROPERTY, ImageUpdateDto } from '../images/image-update.dto';

const STACK_NAME_MESSAGE =
  'name must be a stack name: lowercase letters, digits, "-" and "_", starting with a letter or digit, 1-32 characters';

export type StackStatus = 'invalid' | 'not_deployed' | 'running' | 'updating' | 'degraded' | 'partial' | 'unknown';

export class StackNameParams {
  @ApiProperty({ example: 'shop' })
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name: string;
}

/** A stack to create or replace: the compose file's text, its variables, and the files it refers to. */
export class StackInputDto {
  @ApiProperty({ description: 'the compose file, YAML text', example: 'services:\n  web:\n    image: mini2:5000/web:1.4\n' })
  @IsString({ message: "compose must be the compose file's YAML text" })
  compose: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'values for ${VAR} in the file; secret-looking names come back masked',
    example: { DB_PASSWORD: 's3cret' },
  })
  @IsOptional()
  @IsObject({ message: 'variables must be a map of name to string' })
  variables?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "files the compose file refers to (configs, secrets, env_file), by path relative to the stack's folder",
    example: { 'nginx/site.conf': 'server { listen 80; }\n' },
  })
  @IsOptional()
  @IsObject({ message: 'files must be a map of relative path to content' })
  files?: Record<string, string>;
}

export class CreateStackDto extends StackInputDto {
  @ApiProperty({ example: 'shop', description: 'prefixes every object of the stack (`shop_web`)' })
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name: string;
}

export class CreateStackQuery {
  @ApiPropertyOptional({ description: "the stack's name when the body is the compose file itself (application/yaml)" })
  @IsOptional()
  @IsString()
  @Matches(STACK_NAME, { message: STACK_NAME_MESSAGE })
  name?: string;
}

function validated<T extends object>(cls: new () => T, value: unknown): T {
  const dto = plainToInstance(cls, value);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new BadRequestException(describeValidationErrors(errors).join('; '));
  return dto;
}

/**
 * The body of POST /api/stacks: JSON `{ name, compose, variables?, files? }`,
 * or the compose file itself (application/yaml, the text parser) with the
 * name in the query. One route takes both, so it is validated here.
 */
export function createStackInput(body: unknown, query: CreateStackQuery): CreateStackDto {
  if (typeof body === 'string') {
    if (!query.name) throw new BadRequestException('name: a compose file sent as YAML needs ?name= for the stack');
    return { name: query.name, compose: body };
  }
  if (!body || typeof body !== 'object')
    throw new BadRequestException(
      'body: send { name, compose, variables?, files? } as JSON, or the compose file as application/yaml with ?name=',
    );
  return validated(CreateStackDto, query.name && !('name' in body) ? { ...body, name: query.name } : body);
}

/** The body of PUT /api/stacks/{name}: the same as a create, without the name (or the compose file as YAML). */
export function replaceStackInput(body: unknown): StackInputDto {
  if (typeof body === 'string') return { compose: body };
  if (!body || typeof body !== 'object')
    throw new BadRequestException('body: send { compose, variables?, files? } as JSON, or the compose file as application/yaml');
  return validated(StackInputDto, body);
}

export class StackSummaryDto {
  @ApiProperty({ example: 'shop' }) name: string;
  @ApiProperty({ description: 'defined in the catalog (DEFINITIONS_DIR/stacks/<name>)' }) inCatalog: boolean;
  @ApiProperty({ description: 'the swarm runs services of this stack (made here or by `docker stack deploy`)' }) deployed: boolean;
  @ApiProperty({ description: 'services in the file, or on the swarm for a stack that is not in the catalog' }) services: number;
  @ApiProperty({ description: 'services of the stack on the swarm' }) servicesDeployed: number;
  @ApiProperty() replicasRunning: number;
  @ApiProperty() replicasDesired: number;
  @ApiProperty({
    enum: ['invalid', 'not_deployed', 'running', 'updating', 'degraded', 'partial', 'unknown'],
    description: 'partial: some services of the file are not on the swarm; unknown: Docker is unreachable',
  })
  status: StackStatus;
  @ApiProperty({ example: 'running 4 of 4' }) statusText: string;
  @ApiPropertyOptional({ description: 'why the stack on disk is not valid' }) error?: string;
}

export class StackServiceDto {
  @ApiProperty({ example: 'web', description: 'the key in the compose file' }) key: string;
  @ApiProperty({ example: 'shop_web', description: 'the swarm service' }) name: string;
  @ApiProperty({ description: 'the file has this service' }) inFile: boolean;
  @ApiProperty({ description: 'the swarm runs this service' }) deployed: boolean;
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() image?: string;
  @ApiPropertyOptional({ enum: ['replicated', 'global', 'replicated-job', 'global-job'] }) mode?: string;
  @ApiPropertyOptional() replicasDesired?: number;
  @ApiPropertyOptional() replicasRunning?: number;
  @ApiProperty({ enum: ['not_deployed', 'running', 'degraded', 'unknown'] }) status: 'not_deployed' | 'running' | 'degraded' | 'unknown';
  @ApiPropertyOptional(IMAGE_UPDATE_PROPERTY) imageUpdate?: ImageUpdateDto;
  @ApiPropertyOptional(IMAGE_NOT_FOLLOWED_PROPERTY) imageNotFollowed?: string;
}

export class StackTaskDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'web' }) service: string;
  @ApiPropertyOptional() slot?: number;
  @ApiPropertyOptional() nodeHostname?: string;
  @ApiProperty() desiredState: string;
  @ApiProperty() state: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() image?: string;
  @ApiPropertyOptional() updatedAt?: string;
}

export function toStackTaskDto(t: StackTask): StackTaskDto {
  return {
    id: t.id,
    service: t.service,
    slot: t.slot,
    nodeHostname: t.nodeHostname,
    desiredState: t.desiredState,
    state: t.state,
    message: t.message,
    error: t.error,
    image: t.image,
    updatedAt: t.updatedAt,
  };
}

export class StackNetworkDto {
  @ApiProperty({ example: 'frontend', description: 'the key in the compose file (`default` for the one services without networks: get)' })
  key: string;
  @ApiProperty({ example: 'shop_frontend', description: 'the network on the swarm' }) name: string;
  @ApiPropertyOptional({ example: 'overlay' }) driver?: string;
  @ApiProperty({ description: 'external: true, the stack uses it and does not create it' }) external: boolean;
  @ApiProperty({ type: [String], description: 'compose keys of the services attached' }) services: string[];
}

export class SpecDifferenceDto {
  @ApiProperty({ example: 'TaskTemplate.ContainerSpec.Env' }) path: string;
  @ApiPropertyOptional({ description: 'what the file says' }) wanted?: unknown;
  @ApiPropertyOptional({ description: 'what the swarm runs' }) deployed?: unknown;
}

export class StackDriftDto {
  @ApiProperty({ example: 'web' }) service: string;
  @ApiProperty({ description: 'the file has the service, the swarm does not' }) missing: boolean;
  @ApiProperty({ type: [SpecDifferenceDto] }) differences: SpecDifferenceDto[];
}

export class StackProblemDto {
  @ApiProperty({ example: 'services.web.volumes[0].source' }) key: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: 'line in the compose text' }) line?: number;
}

export class StackDetailDto extends StackSummaryDto {
  @ApiPropertyOptional({ description: 'the compose file (secret-looking values masked); absent for a stack only on the swarm' })
  compose?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'secret-looking values masked as ********; send the mask back to keep a value',
  })
  variables: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "the stack's files; the content of secret files masked",
  })
  files: Record<string, string>;
  @ApiProperty({ type: [String], description: 'what `docker stack deploy` would warn about: ignored keys, unset variables' })
  warnings: string[];
  @ApiProperty({ type: [StackServiceDto] }) serviceList: StackServiceDto[];
  @ApiProperty({ type: [StackTaskDto] }) tasks: StackTaskDto[];
  @ApiProperty({ type: [StackNetworkDto] }) networks: StackNetworkDto[];
  @ApiProperty({
    type: [StackDriftDto],
    description: 'per service of the file: missing, or the fields where the swarm differs from the file',
  })
  drift: StackDriftDto[];
}

/** One service's convergence: the same shape as a service deploy's, named. */
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
export class SplitQuery {
  @ApiPropertyOptional({ description: 'make one definition per service of a file with several, instead of offering it as a stack' })
  @OptionalBooleanFlag()
  split?: boolean;
}
