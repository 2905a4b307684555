import { Injectable } from '@nestjs/common';
import { HealthHistory } from '@app/catalog';
import { HealthHistoryDto, HealthSnapshotDto } from './health.dto';
import { HealthMonitor } from './health-monitor';

/** Health for the REST API and the MCP tools. */
@Injectable()
export class HealthService {
  constructor(
    private readonly monitor: HealthMonitor,
    private readonly history: HealthHistory,
  ) {}

  getSnapshot(): Promise<HealthSnapshotDto> {
    return this.monitor.latest();
  }

  getHistory(limit = 100, offset = 0): Promise<HealthHistoryDto> {
    return this.history.list(limit, offset);
  }
}
