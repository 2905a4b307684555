import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { ServiceNameParams } from './live-service.dto';
import { LogLineDto, LogsQuery } from './service-logs.dto';
import { ServiceLogsService } from './service-logs.service';
import { serveLogs } from './service-streams';

@ApiTags('services')
@Controller('api/services')
export class ServiceLogsController {
  constructor(private readonly serviceLogs: ServiceLogsService) {}

  /** `docker service logs`; with follow=true the answer is Server-Sent Events (`line` events) until the client leaves, or an `end` event when the service is removed. */
  @Get(':name/logs')
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: [LogLineDto] })
  getServiceLogs(
    @Param() { name }: ServiceNameParams,
    @Query() q: LogsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LogLineDto[] | void> {
    return serveLogs(this.serviceLogs, name, q, request, reply);
  }
}
