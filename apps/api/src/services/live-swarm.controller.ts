import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/roles';
import { LiveServiceDto, LiveServiceNameParams, TaskDto } from './live-service.dto';
import { LiveSwarmService } from './live-swarm.service';

@ApiTags('services')
@Controller('api/services/live')
export class LiveSwarmController {
  constructor(private readonly live: LiveSwarmService) {}

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
}
