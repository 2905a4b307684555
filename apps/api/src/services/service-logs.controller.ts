import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { sendSse } from '../common/sse';
import { ServiceNameParams } from './live-service.dto';
import { LogLineDto, LogsQuery } from './service-logs.dto';
import { ServiceLogsService } from './service-logs.service';
import { logEvents, logsOptions } from './service-streams';

@ApiTags('services')
@Controller('api/services')
export class ServiceLogsController {
  constructor(private readonly serviceLogs: ServiceLogsService) {}

  /** `docker service logs`; with follow=true the answer is Server-Sent Events (`line` events) until the client leaves, or an `end` event when the service is removed. */
  @Get(':name/logs')
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: [LogLineDto] })
  async getServiceLogs(
    @Param() { name }: ServiceNameParams,
    @Query() q: LogsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LogLineDto[] | void> {
    if (!q.follow) {
      const lines: LogLineDto[] = [];
      for await (const l of this.serviceLogs.logs(name, logsOptions(q))) lines.push(l);
      return lines;
    }
    await sendSse(request, reply, (signal) => logEvents(this.serviceLogs, name, q, signal));
  }
}
