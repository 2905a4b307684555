import { Injectable } from '@nestjs/common';
import { SwarmServices } from '@app/swarm';
import { LiveServiceDto, TaskDto, toLiveServiceDto, toTaskDto } from './live-service.dto';

/** What runs in the swarm right now, whether the catalog knows it or not. */
@Injectable()
export class LiveSwarmService {
  constructor(private readonly services: SwarmServices) {}

  async listLiveServices(): Promise<LiveServiceDto[]> {
    return (await this.services.listLive()).map(toLiveServiceDto);
  }

  async listServiceTasks(name: string): Promise<TaskDto[]> {
    return (await this.services.tasks(name)).map(toTaskDto);
  }
}
