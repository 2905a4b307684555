import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, RequireRole } from '../auth/roles';
import { sendSse } from '../common/sse';
import { HealthHistoryDto, HealthSnapshotDto, HistoryQuery, LivenessDto } from './health.dto';
import { changeStream } from './change-stream';
import { HealthMetrics } from './health-metrics';
import { HealthMonitor } from './health-monitor';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthService,
    private readonly monitor: HealthMonitor,
    private readonly metrics: HealthMetrics,
  ) {}

  /** Liveness only: answers without calling Docker, so it stays up when Docker is down. */
  @Get('api/health')
  @Public()
  @ApiOkResponse({ type: LivenessDto })
  liveness(): LivenessDto {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  /** The monitor's snapshot: no Docker call on the request path. */
  @Get('api/health/detailed')
  @RequireRole('viewer')
  @ApiOkResponse({ type: HealthSnapshotDto })
  getHealthSnapshot(): Promise<HealthSnapshotDto> {
    return this.health.getSnapshot();
  }

  @Get('api/health/history')
  @RequireRole('viewer')
  @ApiOkResponse({ type: HealthHistoryDto })
  getHealthHistory(@Query() q: HistoryQuery): Promise<HealthHistoryDto> {
    return this.health.getHistory(q.limit, q.offset);
  }

  /**
   * Server-Sent Events of what changed: `node` (state / availability), `service`
   * (created / updated / removed), `replicas` (running / desired), `task-failure`,
   * `health` (cluster status transitions); each `data` is JSON {type, at, subject, action, data}.
   * Starts with a `snapshot` event holding the current snapshot.
   */
  @Get('api/events')
  @RequireRole('viewer')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  async streamEvents(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await sendSse(request, reply, (signal) => changeStream(this.monitor, signal));
  }

  /** Prometheus text format. Public like /api/health: it holds counts and names, no secrets. */
  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  getMetrics(): Promise<string> {
    return this.metrics.text();
  }
}
