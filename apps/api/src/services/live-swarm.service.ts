import { Injectable } from '@nestjs/common';
import { SwarmServices } from '@app/swarm';
import { ImageUpdateState } from '../images/image-update-state';
import { LiveServiceDto, TaskDto, toLiveServiceDto, toTaskDto } from './live-service.dto';

/** What runs in the swarm right now, whether the catalog knows it or not. */
@Injectable()
export class LiveSwarmService {
  constructor(
    private readonly services: SwarmServices,
    private readonly imageUpdates: ImageUpdateState,
  ) {}

  async listLiveServices(): Promise<LiveServiceDto[]> {
    const [live] = await Promise.all([this.services.listLive(), this.imageUpdates.refresh()]);
    return live.map((s) => ({ ...toLiveServiceDto(s), ...this.imageUpdates.fieldsFor(s) }));
  }

  async listServiceTasks(name: string): Promise<TaskDto[]> {
    return (await this.services.tasks(name)).map(toTaskDto);
  }
}
