import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../audit/actor';
import { RequireRole } from '../auth/roles';
import { sendSse } from '../common/sse';
import { CatalogServiceDto } from './catalog-entry.dto';
import { DeployQuery, DeployRecordDto, DeployResultDto, ScaleServiceDto, StopResultDto } from './deployment.dto';
import { DeploymentPlanDto, DryRunQuery } from './deployment-plan.dto';
import { DeploymentPlanner } from './deployment-planner';
import { DeploymentService } from './deployment.service';
import { ServiceNameParams } from './live-service.dto';
import { deployEvents } from './service-streams';

/**
 * Applying the catalog to the swarm: deploy, stop, scale, roll back, and the
 * history of each. With `dry_run=true` each answers a DeploymentPlanDto
 * instead (what would change) and changes nothing.
 */
@ApiTags('services')
@ApiExtraModels(DeploymentPlanDto)
@Controller('api/services')
export class DeploymentController {
  constructor(
    private readonly deployments: DeploymentService,
    private readonly planner: DeploymentPlanner,
  ) {}

  /** With `Accept: text/event-stream`, streams convergence progress and ends with a `result` event. With dry_run=true: a DeploymentPlanDto. */
  @Post(':name/deploy')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: DeployResultDto })
  async deployService(
    @Param() { name }: ServiceNameParams,
    @Query() q: DeployQuery,
    @Actor() actor: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeployResultDto | DeploymentPlanDto | void> {
    if (q.dry_run) return this.planner.planDeploy(name);
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
      return this.deployments.deployService(name, { wait: q.wait, timeoutSeconds: q.timeout, actor });
    }
    await sendSse(request, reply, () => deployEvents(this.deployments, name, { timeoutSeconds: q.timeout, actor }));
  }

  /** With dry_run=true: a DeploymentPlanDto. */
  @Post(':name/stop')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: StopResultDto })
  stopService(
    @Param() { name }: ServiceNameParams,
    @Query() q: DryRunQuery,
    @Actor() actor: string,
  ): Promise<StopResultDto | DeploymentPlanDto> {
    return q.dry_run ? this.planner.planStop(name) : this.deployments.stopService(name, actor);
  }

  /** With dry_run=true: a DeploymentPlanDto. */
  @Post(':name/scale')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: CatalogServiceDto })
  scaleService(
    @Param() { name }: ServiceNameParams,
    @Query() q: DryRunQuery,
    @Body() { replicas }: ScaleServiceDto,
    @Actor() actor: string,
  ): Promise<CatalogServiceDto | DeploymentPlanDto> {
    return q.dry_run ? this.planner.planScale(name, replicas) : this.deployments.scaleService(name, replicas, actor);
  }

  /** With dry_run=true: a DeploymentPlanDto. */
  @Post(':name/rollback')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: CatalogServiceDto })
  rollbackService(
    @Param() { name }: ServiceNameParams,
    @Query() q: DryRunQuery,
    @Actor() actor: string,
  ): Promise<CatalogServiceDto | DeploymentPlanDto> {
    return q.dry_run ? this.planner.planRollback(name) : this.deployments.rollbackService(name, actor);
  }

  @Get(':name/history')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [DeployRecordDto] })
  getServiceHistory(@Param() { name }: ServiceNameParams): Promise<DeployRecordDto[]> {
    return this.deployments.getHistory(name);
  }
}
