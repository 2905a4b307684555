import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Platform, TagDetails } from '@app/registry';
import { TagUserDto } from '../images/images.dto';

export class PlatformDto {
  @ApiProperty({ example: 'linux' }) os: string;
  @ApiProperty({ example: 'arm64' }) architecture: string;
  @ApiPropertyOptional({ example: 'v8' }) variant?: string;
}

export class RepositoryDto {
  @ApiProperty({ example: 'team/web' }) name: string;
}

export class TagSummaryDto {
  @ApiProperty({ example: '1.4' }) tag: string;
  @ApiProperty({ example: 'sha256:…' }) digest: string;
  @ApiProperty() mediaType: string;
  @ApiProperty({ description: 'compressed bytes: config + layers (summed over platforms for an index)' }) size: number;
  @ApiProperty({ type: [PlatformDto] }) platforms: PlatformDto[];
  @ApiPropertyOptional() created?: string;
  @ApiPropertyOptional({ type: [TagUserDto], description: 'the live services that run this digest, and their nodes (tag listings only)' })
  usedBy?: TagUserDto[];
}

export class LayerDto {
  @ApiProperty() digest: string;
  @ApiProperty() size: number;
  @ApiProperty() mediaType: string;
}

export class ManifestEntryDto {
  @ApiProperty() digest: string;
  @ApiProperty() mediaType: string;
  @ApiProperty() size: number;
  @ApiPropertyOptional({ type: PlatformDto }) platform?: PlatformDto;
}

export class TagDetailsDto extends TagSummaryDto {
  @ApiProperty() repository: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiPropertyOptional({ type: LayerDto }) config?: { digest: string; size: number };
  @ApiProperty({ type: [LayerDto] }) layers: LayerDto[];
  @ApiPropertyOptional({ type: [ManifestEntryDto], description: 'the platform manifests of an index' }) manifests?: ManifestEntryDto[];
}

export class DeletedTagDto {
  @ApiProperty() repository: string;
  @ApiProperty() tag: string;
  @ApiProperty({ description: 'the manifest deleted; other tags on it are gone too' }) digest: string;
  @ApiProperty({ type: [String], description: 'the other tags that named the digest, deleted with it' }) alsoDeletedTags: string[];
  @ApiProperty({ type: [String], description: 'services that ran the digest (a forced delete): new tasks of theirs cannot pull it' })
  servicesUsingIt: string[];
  @ApiProperty({ description: "space comes back only after the registry's garbage collection" }) note: string;
}

export class DeleteTagQuery {
  @ApiPropertyOptional({ description: 'delete even when running services use the digest or other tags share it' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  force?: boolean;
}

export function toTagSummaryDto(d: TagDetails): TagSummaryDto {
  return {
    tag: d.tag,
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    platforms: d.platforms.map(toPlatformDto),
    created: d.created,
  };
}

export function toTagDetailsDto(d: TagDetails): TagDetailsDto {
  return { ...toTagSummaryDto(d), repository: d.repository, labels: d.labels, config: d.config, layers: d.layers, manifests: d.manifests };
}

function toPlatformDto(p: Platform): PlatformDto {
  return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}

export class RepositoryQuery {
  @ApiPropertyOptional({ description: 'only repositories whose name contains this' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;
}

export class RepositoryParams {
  @ApiProperty({
    description: 'repository name; a name with slashes is URL-encoded (team%2Fweb) or written plainly',
    example: 'team%2Fweb',
  })
  @IsString()
  @MaxLength(255)
  name: string;
}

export class TagParams extends RepositoryParams {
  @ApiProperty({ example: '1.4' }) @IsString() @MaxLength(128) tag: string;
}

/** Reads "team/web/tags" or "team/web/tags/1.4" from a wildcard path (plain slashes in the name). */
export function splitRepositoryPath(path: string): { name: string; tag?: string } | undefined {
  const m = /^(.+?)\/tags(?:\/([^/]+))?\/?$/.exec(path);
  return m ? { name: m[1], tag: m[2] } : undefined;
}
