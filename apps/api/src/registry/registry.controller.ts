import { BadRequestException, Controller, Delete, Get, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import {
  DeletedTagDto,
  DeleteTagQuery,
  RepositoryDto,
  RepositoryParams,
  RepositoryQuery,
  splitRepositoryPath,
  TagDetailsDto,
  TagParams,
  TagSummaryDto,
} from './registry.dto';
import { RegistryApiService } from './registry-api.service';

@ApiTags('registry')
@Controller('api/registry/repositories')
export class RegistryController {
  constructor(private readonly registry: RegistryApiService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [RepositoryDto] })
  listRepositories(@Query() { q }: RepositoryQuery): Promise<RepositoryDto[]> {
    return this.registry.listRepositories(q);
  }

  @Get(':name/tags')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [TagSummaryDto] })
  listTags(@Param() { name }: RepositoryParams): Promise<TagSummaryDto[]> {
    return this.registry.listTags(name);
  }

  @Get(':name/tags/:tag')
  @RequireRole('viewer')
  @ApiOkResponse({ type: TagDetailsDto })
  getTag(@Param() { name, tag }: TagParams): Promise<TagDetailsDto> {
    return this.registry.getTag(name, tag);
  }

  @Delete(':name/tags/:tag')
  @RequireRole('admin')
  @ApiOkResponse({ type: DeletedTagDto })
  @ApiConflictResponse({ description: 'running services use the digest, or other tags share it (named); force=true deletes anyway' })
  deleteTag(@Param() { name, tag }: TagParams, @Query() { force }: DeleteTagQuery): Promise<DeletedTagDto> {
    return this.registry.deleteTag(name, tag, force);
  }

  /** The same routes with plain slashes in the repository name (team/web/tags/1.4). */
  @Get('*')
  @RequireRole('viewer')
  @ApiExcludeEndpoint()
  getBySlashedPath(@Req() request: FastifyRequest): Promise<TagSummaryDto[] | TagDetailsDto> {
    const target = slashed(request);
    return target.tag ? this.registry.getTag(target.name, target.tag) : this.registry.listTags(target.name);
  }

  @Delete('*')
  @RequireRole('admin')
  @ApiExcludeEndpoint()
  deleteBySlashedPath(@Req() request: FastifyRequest, @Query() { force }: DeleteTagQuery): Promise<DeletedTagDto> {
    const target = slashed(request);
    if (!target.tag) throw new NotFoundException(`Cannot DELETE ${request.url}`);
    return this.registry.deleteTag(target.name, target.tag, force);
  }
}

function slashed(request: FastifyRequest): { name: string; tag?: string } {
  const raw = ((request.params as Record<string, string>)['*'] ?? '').split('?')[0];
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // a lone `%` or a cut escape is the caller's mistake, not the server's
    throw new BadRequestException(`repository path "${raw}": malformed percent-encoding`);
  }
  const target = splitRepositoryPath(path);
  if (!target) throw new NotFoundException(`Cannot ${request.method} ${request.url}`);
  return target;
}
