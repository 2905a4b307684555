import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CatalogItem } from '@app/catalog';
import type { LiveService } from '@app/swarm';
import { OptionalBooleanFlag } from '../common/validation';
import { IMAGE_NOT_FOLLOWED_PROPERTY, IMAGE_UPDATE_PROPERTY, ImageUpdateDto } from '../images/image-update.dto';
import { LiveServiceDto, TaskDto } from './live-service.dto';

/* The catalog's entries: what the list and the detail page show, and an import's report. */

export type ServiceStatus = 'invalid' | 'not_deployed' | 'running' | 'updating' | 'degraded' | 'unknown';

export class CatalogServiceDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiPropertyOptional({ example: '10.0.0.1:5000/web:1.4' }) image?: string;
  @ApiProperty({
    enum: ['invalid', 'not_deployed', 'running', 'updating', 'degraded', 'unknown'],
    description: 'unknown: Docker is unreachable',
  })
  status: ServiceStatus;
  @ApiProperty({ example: 'running 3 of 3' }) statusText: string;
  @ApiPropertyOptional() replicasDesired?: number;
  @ApiPropertyOptional() replicasRunning?: number;
  @ApiPropertyOptional({ description: 'why the file is not a valid definition' }) error?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() updatedAt?: string;
  @ApiPropertyOptional() lastDeployedAt?: string;
  @ApiPropertyOptional() lastDeployedDigest?: string;
  @ApiPropertyOptional(IMAGE_UPDATE_PROPERTY) imageUpdate?: ImageUpdateDto;
  @ApiPropertyOptional(IMAGE_NOT_FOLLOWED_PROPERTY) imageNotFollowed?: string;
}

export function toCatalogServiceDto(item: CatalogItem, live: LiveService | undefined, dockerReachable: boolean): CatalogServiceDto {
  const def = item.definition;
  let status: ServiceStatus;
  let statusText: string;
  if (!def) [status, statusText] = ['invalid', `invalid: ${item.error}`];
  else if (!dockerReachable) [status, statusText] = ['unknown', 'unknown: Docker is unreachable'];
  else if (!live) [status, statusText] = ['not_deployed', 'not deployed'];
  else [status, statusText] = liveStatus(live);
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

/**
 * The status of a deployed service from the Engine's UpdateStatus first: an
 * update or rollback in progress says so whatever runs; a paused one is
 * degraded with the Engine's reason; a finished rollback says it rolled back.
 */
function liveStatus(live: LiveService): [ServiceStatus, string] {
  const counts = `${live.replicasRunning} of ${live.replicasDesired}`;
  const short = live.replicasRunning < live.replicasDesired;
  const reason = live.updateStatus?.message ? `: ${live.updateStatus.message}` : '';
  switch (live.updateStatus?.state) {
    case 'updating':
      return ['updating', `updating: ${counts} running`];
    case 'rollback_started':
      return ['updating', `rolling back: ${counts} running`];
    case 'paused':
      return ['degraded', `update paused${reason}; running ${counts}`];
    case 'rollback_paused':
      return ['degraded', `rollback paused${reason}; running ${counts}`];
    case 'rollback_completed':
      return [short ? 'degraded' : 'running', `rolled back; running ${counts}`];
    default:
      return [short ? 'degraded' : 'running', `running ${counts}`];
  }
}

/** A row of the catalog list: the entry with how far the swarm's service is from its definition. */
export class CatalogServiceListItemDto extends CatalogServiceDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0,
    description:
      "how many fields of the deployed spec differ from the definition (as the detail's drift lists them); null when not deployed or unknown",
  })
  drift: number | null;
}

export class DriftItemDto {
  @ApiProperty({ example: 'TaskTemplate.ContainerSpec.Image' }) path: string;
  @ApiPropertyOptional({ description: 'what the definition says' }) definition?: unknown;
  @ApiPropertyOptional({ description: 'what the swarm runs' }) deployed?: unknown;
}

export class ServiceDetailDto extends CatalogServiceDto {
  @ApiProperty({ description: 'the definition file, YAML' }) yaml: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'the parsed definition' }) definition?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({ type: LiveServiceDto }) live?: LiveServiceDto;
  @ApiProperty({ type: [TaskDto] }) tasks: TaskDto[];
  @ApiProperty({
    type: [DriftItemDto],
    description: 'fields where the deployed spec differs from the definition; empty when in sync or not deployed',
  })
  drift: DriftItemDto[];
}

export class ImportReportDto {
  @ApiProperty({ type: [String] }) created: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } } })
  refused: Array<{ name: string; reason: string }>;
  @ApiPropertyOptional({
    type: 'object',
    properties: { suggested: { type: 'boolean' }, services: { type: 'array', items: { type: 'string' } }, hint: { type: 'string' } },
    description: 'a file with several services is a stack: nothing was split; import it with POST /api/stacks, or again with ?split=true',
  })
  stack?: { suggested: boolean; services: string[]; hint: string };
}

export class ForceQuery {
  @ApiPropertyOptional({ description: 'stop the deployed service first' })
  @OptionalBooleanFlag()
  force?: boolean;
}
