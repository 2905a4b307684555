import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/roles';
import { DrainNodeBody, DrainNodeQuery, NodeDto, NodeIdParams, UpdateNodeLabelsDto } from './node.dto';
import { NodesService } from './nodes.service';
import type { DeploymentPlanDto } from '../services/deployment-plan.dto';
import { TaskDto } from '../services/live-service.dto';

@ApiTags('nodes')
@Controller('api/nodes')
export class NodesController {
  constructor(private readonly nodes: NodesService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [NodeDto] })
  listNodes(): Promise<NodeDto[]> {
    return this.nodes.listNodes();
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: NodeDto })
  getNode(@Param() { id }: NodeIdParams): Promise<NodeDto> {
    return this.nodes.getNode(id);
  }

  /** The tasks running on the node: what a drain would move. */
  @Get(':id/tasks')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [TaskDto] })
  listNodeTasks(@Param() { id }: NodeIdParams): Promise<TaskDto[]> {
    return this.nodes.listNodeTasks(id);
  }

  /**
   * Moves the node's tasks to other nodes; refused for the last active manager unless force=true (query or body).
   * With dry_run=true: a DeploymentPlanDto listing the tasks that would move, and nothing changes.
   */
  @Post(':id/drain')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiBody({ type: DrainNodeBody, required: false })
  @ApiOkResponse({ type: NodeDto })
  drainNode(
    @Param() { id }: NodeIdParams,
    @Query() query: DrainNodeQuery,
    @Body() body: DrainNodeBody,
  ): Promise<NodeDto | DeploymentPlanDto> {
    const force = query.force ?? body.force;
    return (query.dry_run ?? body.dry_run) ? this.nodes.planDrain(id, force) : this.nodes.drainNode(id, force);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOkResponse({ type: NodeDto })
  activateNode(@Param() { id }: NodeIdParams): Promise<NodeDto> {
    return this.nodes.activateNode(id);
  }

  @Put(':id/labels')
  @RequireRole('admin')
  @ApiOkResponse({ type: NodeDto })
  updateNodeLabels(@Param() { id }: NodeIdParams, @Body() body: UpdateNodeLabelsDto): Promise<NodeDto> {
    return this.nodes.updateNodeLabels(id, body);
  }
}
