import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { sendSse } from '../common/sse';
import {
  CatalogServiceDto, DeployQuery, DeployRecordDto, DeployResultDto, ForceQuery, ImportReportDto, LogLineDto, LogsQuery,
  ScaleServiceDto, ServiceDetailDto, StopResultDto,
} from './catalog-service.dto';
import { DeploymentService } from './deployment.service';
import { SplitQuery } from '../stacks/stack.dto';
import { ServiceNameParams } from './live-service.dto';
import { deployEvents, logEvents, logsOptions } from './service-streams';

const DEFINITION_BODY = {
  description: 'a service definition: YAML (application/yaml, comments kept) or the same as JSON',
  schema: { type: 'object', additionalProperties: true, example: { name: 'web', image: 'mini2:5000/web:1.4', ports: ['8080:80'], deploy: { replicas: 2 } } },
};

@ApiTags('services')
@Controller('api/services')
export class ServicesController {
  constructor(private readonly deployments: DeploymentService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [CatalogServiceDto] })
  listServices(): Promise<CatalogServiceDto[]> {
    return this.deployments.listServices();
  }

  @Post()
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(DEFINITION_BODY)
  @ApiCreatedResponse({ type: ServiceDetailDto })
  createService(@Body() body: unknown): Promise<ServiceDetailDto> {
    return this.deployments.createService(definitionInput(body));
  }

  /** A whole compose / stack file: one definition per service. */
  @Post('import')
  @RequireRole('operator')
  @ApiConsumes('application/yaml')
  @ApiBody({ description: 'a compose file', schema: { type: 'string' } })
  @ApiCreatedResponse({ type: ImportReportDto })
  importCompose(@Body() body: unknown, @Query() { split }: SplitQuery): Promise<ImportReportDto> {
    return this.deployments.importCompose(typeof body === 'string' ? body : JSON.stringify(body ?? ''), split);
  }

  @Get(':name')
  @RequireRole('viewer')
  @ApiOkResponse({ type: ServiceDetailDto })
  getService(@Param() { name }: ServiceNameParams): Promise<ServiceDetailDto> {
    return this.deployments.getService(name);
  }

  @Put(':name')
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(DEFINITION_BODY)
  @ApiOkResponse({ type: ServiceDetailDto })
  updateService(@Param() { name }: ServiceNameParams, @Body() body: unknown): Promise<ServiceDetailDto> {
    return this.deployments.updateService(name, definitionInput(body));
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  deleteService(@Param() { name }: ServiceNameParams, @Query() { force }: ForceQuery): Promise<void> {
    return this.deployments.deleteService(name, force);
  }

  /** With `Accept: text/event-stream`, streams convergence progress and ends with a `result` event. */
  @Post(':name/deploy')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: DeployResultDto })
  async deployService(
    @Param() { name }: ServiceNameParams,
    @Query() q: DeployQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeployResultDto | void> {
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
      return this.deployments.deployService(name, { wait: q.wait, timeoutSeconds: q.timeout });
    }
    await sendSse(request, reply, () => deployEvents(this.deployments, name, q.timeout));
  }

  @Post(':name/stop')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: StopResultDto })
  stopService(@Param() { name }: ServiceNameParams): Promise<StopResultDto> {
    return this.deployments.stopService(name);
  }

  @Post(':name/scale')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: CatalogServiceDto })
  scaleService(@Param() { name }: ServiceNameParams, @Body() { replicas }: ScaleServiceDto): Promise<CatalogServiceDto> {
    return this.deployments.scaleService(name, replicas);
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: CatalogServiceDto })
  rollbackService(@Param() { name }: ServiceNameParams): Promise<CatalogServiceDto> {
    return this.deployments.rollbackService(name);
  }

  @Get(':name/history')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [DeployRecordDto] })
  getServiceHistory(@Param() { name }: ServiceNameParams): Promise<DeployRecordDto[]> {
    return this.deployments.getHistory(name);
  }

  /** `docker service logs`; with follow=true the answer is Server-Sent Events (`line` events) until the client leaves, or an `end` event when the service is removed. */
  @Get(':name/logs')
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: [LogLineDto] })
  async getServiceLogs(
    @Param() { name }: ServiceNameParams,
    @Query() q: LogsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LogLineDto[] | void> {
    if (!q.follow) {
      const lines: LogLineDto[] = [];
      for await (const l of this.deployments.logs(name, logsOptions(q))) lines.push(l);
      return lines;
    }
    await sendSse(request, reply, (signal) => logEvents(this.deployments, name, q, signal));
  }
}

/** YAML arrives as text (the app registers a text parser for application/yaml), JSON as an object. */
function definitionInput(body: unknown): string | object {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') return body;
  return '';
}
