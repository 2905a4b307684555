import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { StackTask } from '@app/swarm';
import { IMAGE_NOT_FOLLOWED_PROPERTY, IMAGE_UPDATE_PROPERTY, ImageUpdateDto } from '../images/image-update.dto';

/** A stack as the list and its page show it: its services, tasks, networks, drift and problems. */

export type StackStatus = 'invalid' | 'not_deployed' | 'running' | 'updating' | 'degraded' | 'partial' | 'unknown';

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
