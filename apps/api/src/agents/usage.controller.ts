import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/roles';
import { NodeIdParams } from '../nodes/node.dto';
import { LiveServiceNameParams } from '../services/live-service.dto';
import { NodeFactsService } from './node-facts.service';
import { UsageQueries } from './usage-queries.service';
import {
  AgentStatusDto,
  NodeDiskDto,
  NodeImageDto,
  NodeUsageDto,
  ServiceUsageDto,
  TaskLogsDto,
  TaskLogsParams,
  TaskLogsQuery,
  TopUsageDto,
  TopUsageQuery,
  UsageRangeQuery,
} from './usage.dto';

/** Resource use and node facts from the node agents. */
@ApiTags('agents')
@Controller('api')
export class UsageController {
  constructor(
    private readonly queries: UsageQueries,
    private readonly facts: NodeFactsService,
  ) {}

  /** Every node with its agent: connected, unreachable or no agent. */
  @Get('agents')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [AgentStatusDto] })
  listAgents(): Promise<AgentStatusDto[]> {
    return this.queries.agentsList();
  }

  /** A node's containers summed and one by one, its memory and CPUs, GPU, and the history (1h full, 24h by minute). */
  @Get('nodes/:id/usage')
  @RequireRole('viewer')
  @ApiOkResponse({ type: NodeUsageDto })
  getNodeUsage(@Param() { id }: NodeIdParams, @Query() { range }: UsageRangeQuery): Promise<NodeUsageDto> {
    return this.queries.nodeUsage(id, range);
  }

  /** A service's replicas (each and summed) with their history. */
  @Get('services/:name/usage')
  @RequireRole('viewer')
  @ApiOkResponse({ type: ServiceUsageDto })
  getServiceUsage(@Param() { name }: LiveServiceNameParams, @Query() { range }: UsageRangeQuery): Promise<ServiceUsageDto> {
    return this.queries.serviceUsage(name, range);
  }

  /** The services and tasks using the most CPU or memory now. */
  @Get('usage/top')
  @RequireRole('viewer')
  @ApiOkResponse({ type: TopUsageDto })
  getTopUsage(@Query() { by, limit }: TopUsageQuery): TopUsageDto {
    return this.queries.top(by, limit);
  }

  /** The node's Engine data root: images, containers, volumes, build cache (docker system df). */
  @Get('nodes/:id/disk')
  @RequireRole('viewer')
  @ApiOkResponse({ type: NodeDiskDto })
  getNodeDisk(@Param() { id }: NodeIdParams): Promise<NodeDiskDto> {
    return this.facts.disk(id);
  }

  /** The images present on the node (what a deploy there would not have to pull). */
  @Get('nodes/:id/images')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [NodeImageDto] })
  listNodeImages(@Param() { id }: NodeIdParams): Promise<NodeImageDto[]> {
    return this.facts.images(id);
  }

  /** The container logs of a task on the node, also when its service is gone. */
  @Get('nodes/:id/tasks/:taskId/logs')
  @RequireRole('operator')
  @ApiOkResponse({ type: TaskLogsDto })
  getNodeTaskLogs(@Param() { id, taskId }: TaskLogsParams, @Query() { tail }: TaskLogsQuery): Promise<TaskLogsDto> {
    return this.facts.taskLogs(id, taskId, tail);
  }
}
