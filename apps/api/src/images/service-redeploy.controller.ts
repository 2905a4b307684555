import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { RequireRole } from '../auth/roles';
import { ServiceNameParams } from '../services/live-service.dto';
import { ImageRedeploys } from './image-redeploys.service';
import { ImageUpdates } from './image-updates.service';
import { RedeployPlanDto, RedeployQuery, RedeployResultDto } from './images.dto';

/** A service's redeploy: here, not in the services module, because it is the image lifecycle's path (ImageUpdates). */
@ApiTags('services')
@ApiExtraModels(RedeployPlanDto)
@Controller('api/services')
export class ServiceRedeployController {
  constructor(
    private readonly updates: ImageUpdates,
    private readonly redeploys: ImageRedeploys,
  ) {}

  /**
   * Rolls a catalog service to the digest its tag names now, through the
   * normal deploy (waited for; the caller in the history); when it does not
   * converge, back to the previous spec, and the history says why. The same
   * path as `x-update: redeploy`. With dry_run=true: a RedeployPlanDto
   * (old digest → new, the tasks that would restart) and nothing changes.
   */
  @Post(':name/redeploy')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: RedeployResultDto })
  redeployService(
    @Param() { name }: ServiceNameParams,
    @Query() q: RedeployQuery,
    @Actor() actor: string,
  ): Promise<RedeployResultDto | RedeployPlanDto> {
    return q.dry_run ? this.redeploys.plan(name) : this.updates.redeploy(name, actor, q.timeout);
  }
}
