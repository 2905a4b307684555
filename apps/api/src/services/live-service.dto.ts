import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SERVICE_NAME, SERVICE_NAME_RULE } from '@app/catalog';
import type { LiveService, TaskSummary } from '@app/swarm';
import { IMAGE_NOT_FOLLOWED_PROPERTY, IMAGE_UPDATE_PROPERTY, ImageUpdateDto } from '../images/image-update.dto';

export class PublishedPortDto {
  @ApiPropertyOptional({ example: 8080 }) published?: number;
  @ApiProperty({ example: 80 }) target: number;
  @ApiProperty({ example: 'tcp' }) protocol: string;
  @ApiProperty({ enum: ['ingress', 'host'] }) mode: 'ingress' | 'host';
}

export class UpdateStatusDto {
  @ApiProperty({ example: 'completed' }) state: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() startedAt?: string;
  @ApiPropertyOptional() completedAt?: string;
}

export class LiveServiceDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'web' }) name: string;
  @ApiProperty({ example: 'mini2:5000/web:1.4' }) image: string;
  @ApiPropertyOptional({ example: 'sha256:…' }) imageDigest?: string;
  @ApiProperty({ enum: ['replicated', 'global'] }) mode: 'replicated' | 'global';
  @ApiProperty() replicasDesired: number;
  @ApiProperty() replicasRunning: number;
  @ApiProperty({ type: [PublishedPortDto] }) ports: PublishedPortDto[];
  @ApiPropertyOptional({ description: 'from the com.docker.stack.namespace label' }) stack?: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiPropertyOptional({ type: UpdateStatusDto }) updateStatus?: UpdateStatusDto;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() updatedAt?: string;
  @ApiPropertyOptional(IMAGE_UPDATE_PROPERTY) imageUpdate?: ImageUpdateDto;
  @ApiPropertyOptional(IMAGE_NOT_FOLLOWED_PROPERTY) imageNotFollowed?: string;
}

export function toLiveServiceDto(s: LiveService): LiveServiceDto {
  return {
    id: s.id,
    name: s.name,
    image: s.image,
    imageDigest: s.imageDigest,
    mode: s.mode,
    replicasDesired: s.replicasDesired,
    replicasRunning: s.replicasRunning,
    ports: s.ports,
    stack: s.stack,
    labels: s.labels,
    updateStatus: s.updateStatus,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export class TaskDto {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ example: 'web' }) serviceName?: string;
  @ApiPropertyOptional() slot?: number;
  @ApiPropertyOptional() nodeId?: string;
  @ApiPropertyOptional({ example: 'rog1' }) nodeHostname?: string;
  @ApiProperty({ example: 'running' }) desiredState: string;
  @ApiProperty({ example: 'running' }) state: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() exitCode?: number;
  @ApiPropertyOptional() image?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() updatedAt?: string;
}

export function toTaskDto(t: TaskSummary): TaskDto {
  return {
    id: t.id,
    serviceName: t.serviceName,
    slot: t.slot,
    nodeId: t.nodeId,
    nodeHostname: t.nodeHostname,
    desiredState: t.desiredState,
    state: t.state,
    message: t.message,
    error: t.error,
    exitCode: t.exitCode,
    image: t.image,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export class ServiceNameParams {
  @ApiProperty({ example: 'web' })
  @IsString()
  @Matches(SERVICE_NAME, { message: `name ${SERVICE_NAME_RULE}` })
  name: string;
}

/** Live services may carry names the catalog would refuse (created outside the app). */
export class LiveServiceNameParams {
  @ApiProperty({ example: 'web' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, { message: 'name must be a swarm service name (letters, digits, ".", "_", "-")' })
  name: string;
}
