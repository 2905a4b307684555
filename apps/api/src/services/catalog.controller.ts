import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { RequireRole } from '../auth/roles';
import { CatalogServiceListItemDto, ForceQuery, ImportReportDto, ServiceDetailDto } from './catalog-entry.dto';
import { CatalogEntriesService } from './catalog-entries.service';
import { ServiceNameParams } from './live-service.dto';
import { SplitQuery } from '../stacks/stack-input.dto';

const DEFINITION_BODY = {
  description: 'a service definition: YAML (application/yaml, comments kept) or the same as JSON',
  schema: {
    type: 'object',
    additionalProperties: true,
    example: { name: 'web', image: 'mini2:5000/web:1.4', ports: ['8080:80'], deploy: { replicas: 2 } },
  },
} as const;

/** The service catalog's entries: list, read, create, edit, delete, import a compose file. */
@ApiTags('services')
@Controller('api/services')
export class CatalogController {
  constructor(private readonly entries: CatalogEntriesService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [CatalogServiceListItemDto] })
  listServices(): Promise<CatalogServiceListItemDto[]> {
    return this.entries.listServices();
  }

  @Post()
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(DEFINITION_BODY)
  @ApiCreatedResponse({ type: ServiceDetailDto })
  createService(@Body() body: unknown): Promise<ServiceDetailDto> {
    return this.entries.createService(definitionInput(body));
  }

  /** A whole compose / stack file: one definition per service. */
  @Post('import')
  @RequireRole('operator')
  @ApiConsumes('application/yaml')
  @ApiBody({ description: 'a compose file', schema: { type: 'string' } })
  @ApiCreatedResponse({ type: ImportReportDto })
  importCompose(@Body() body: unknown, @Query() { split }: SplitQuery): Promise<ImportReportDto> {
    return this.entries.importCompose(typeof body === 'string' ? body : JSON.stringify(body ?? ''), split);
  }

  @Get(':name')
  @RequireRole('viewer')
  @ApiOkResponse({ type: ServiceDetailDto })
  getService(@Param() { name }: ServiceNameParams): Promise<ServiceDetailDto> {
    return this.entries.getService(name);
  }

  @Put(':name')
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(DEFINITION_BODY)
  @ApiOkResponse({ type: ServiceDetailDto })
  updateService(@Param() { name }: ServiceNameParams, @Body() body: unknown): Promise<ServiceDetailDto> {
    return this.entries.updateService(name, definitionInput(body));
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  deleteService(@Param() { name }: ServiceNameParams, @Query() { force }: ForceQuery, @Actor() actor: string): Promise<void> {
    return this.entries.deleteService(name, force, actor);
  }
}

/** YAML arrives as text (the app registers a text parser for application/yaml), JSON as an object. */
function definitionInput(body: unknown): string | object {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') return body;
  return '';
}
