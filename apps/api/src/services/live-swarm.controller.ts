import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../audit/actor';
import { RequireRole } from '../auth/roles';
import { ScaleServiceDto } from './deployment.dto';
import { DeploymentPlanDto, DryRunQuery } from './deployment-plan.dto';
import { LiveServiceDto, LiveServiceNameParams, TaskDto } from './live-service.dto';
import { LiveImportResultDto, LiveRemoveResultDto } from './live-swarm.dto';
import { LiveSwarmService } from './live-swarm.service';
import { LogLineDto, LogsQuery } from './service-logs.dto';
import { ServiceLogsService } from './service-logs.service';
import { serveLogs } from './service-streams';

/**
 * Every service the swarm runs, and what an operator does to one made outside
 * the catalog (docker CLI, a stack): scale, logs, remove, import into the catalog.
 */
@ApiTags('services')
@ApiExtraModels(DeploymentPlanDto)
@Controller('api/services/live')
export class LiveSwarmController {
  constructor(
    private readonly live: LiveSwarmService,
    private readonly serviceLogs: ServiceLogsService,
  ) {}

  /** Every service in the swarm: a constant number of Engine calls, whatever their number. */
  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [LiveServiceDto] })
  listLiveServices(): Promise<LiveServiceDto[]> {
    return this.live.listLiveServices();
  }

  @Get(':name/tasks')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [TaskDto] })
  listServiceTasks(@Param() { name }: LiveServiceNameParams): Promise<TaskDto[]> {
    return this.live.listServiceTasks(name);
  }

  /** `docker service scale`, with the catalog's replica rules; 409 for a catalog service (scale it through the catalog). */
  @Post(':name/scale')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: LiveServiceDto })
  scaleLiveService(@Param() { name }: LiveServiceNameParams, @Body() { replicas }: ScaleServiceDto): Promise<LiveServiceDto> {
    return this.live.scaleService(name, replicas);
  }

  /** `docker service logs`; with follow=true, Server-Sent Events (`line` events) until the client leaves, or an `end` event when the service is removed. */
  @Get(':name/logs')
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: [LogLineDto] })
  getLiveServiceLogs(
    @Param() { name }: LiveServiceNameParams,
    @Query() q: LogsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LogLineDto[] | void> {
    return serveLogs(this.serviceLogs, name, q, request, reply);
  }

  /** `docker service rm`; 409 for a catalog service (stop it through the catalog). With dry_run=true: a DeploymentPlanDto (the tasks that stop). */
  @Delete(':name')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: LiveRemoveResultDto })
  removeLiveService(@Param() { name }: LiveServiceNameParams, @Query() q: DryRunQuery): Promise<LiveRemoveResultDto | DeploymentPlanDto> {
    return q.dry_run ? this.live.planRemove(name) : this.live.removeService(name);
  }

  /** Writes a definition from the live spec: the service becomes a catalog service, deployed as it runs. 409 when the catalog has the name, or the service belongs to a stack. */
  @Post(':name/import')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: LiveImportResultDto })
  importLiveService(@Param() { name }: LiveServiceNameParams, @Actor() actor: string): Promise<LiveImportResultDto> {
    return this.live.importService(name, actor);
  }
}
