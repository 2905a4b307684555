import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { sendSse } from '../common/sse';
import { CreateStackDto, CreateStackQuery, createStackInput, replaceStackInput, StackInputDto, StackNameParams } from './stack-input.dto';
import { StackDetailDto, StackProblemDto, StackSummaryDto } from './stack.dto';
import { StackDeleteQuery, StackDeployQuery, StackDeployResultDto, StackStopResultDto } from './stack-deploy.dto';
import { StackHistoryRecordDto, StackLogLineDto, StackLogsQuery, toStackLogLineDto } from './stack-logs.dto';
import { Actor } from '../audit/actor';
import { stackDeployEvents, stackLogEvents, stackLogsOptions } from './stack-streams';
import { StacksService } from './stacks.service';

/** A refused stack: the message lists every problem; `problems` has each with its key and line. */
const REFUSED = {
  description: 'the stack is refused: `message` names every key at fault, `problems` has each with its line in the compose text',
  schema: {
    type: 'object',
    properties: {
      statusCode: { type: 'number' },
      message: { type: 'string' },
      problems: { type: 'array', items: { $ref: getSchemaPath(StackProblemDto) } },
    },
  },
};

const body = (dto: typeof CreateStackDto | typeof StackInputDto) => ({
  description: 'JSON, or the compose file itself as application/yaml (then ?name= on a create)',
  schema: { oneOf: [{ $ref: getSchemaPath(dto) }, { type: 'string', description: 'the compose file (application/yaml)' }] },
});

/** Compose stacks: the catalog's stack definitions and the stacks the swarm runs. */
@ApiTags('stacks')
@ApiExtraModels(CreateStackDto, StackInputDto, StackProblemDto)
@Controller('api/stacks')
export class StacksController {
  constructor(private readonly stacks: StacksService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: [StackSummaryDto] })
  listStacks(): Promise<StackSummaryDto[]> {
    return this.stacks.list();
  }

  @Post()
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(body(CreateStackDto))
  @ApiCreatedResponse({ type: StackDetailDto })
  @ApiBadRequestResponse(REFUSED)
  createStack(@Body() input: unknown, @Query() query: CreateStackQuery): Promise<StackDetailDto> {
    const { name, ...stack } = createStackInput(input, query);
    return this.stacks.create(name, stack);
  }

  @Get(':name')
  @RequireRole('viewer')
  @ApiOkResponse({ type: StackDetailDto })
  getStack(@Param() { name }: StackNameParams): Promise<StackDetailDto> {
    return this.stacks.get(name);
  }

  @Put(':name')
  @RequireRole('operator')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody(body(StackInputDto))
  @ApiOkResponse({ type: StackDetailDto })
  @ApiBadRequestResponse(REFUSED)
  replaceStack(@Param() { name }: StackNameParams, @Body() input: unknown): Promise<StackDetailDto> {
    return this.stacks.replace(name, replaceStackInput(input));
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  deleteStack(@Param() { name }: StackNameParams, @Query() { force }: StackDeleteQuery, @Actor() actor?: string): Promise<void> {
    return this.stacks.remove(name, force, actor);
  }

  /** With `Accept: text/event-stream`, streams the deploy object by object and service by service, then a `result` event. */
  @Post(':name/deploy')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: StackDeployResultDto })
  async deployStack(
    @Param() { name }: StackNameParams,
    @Query() q: StackDeployQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Actor() actor?: string,
  ): Promise<StackDeployResultDto | void> {
    const opts = { wait: q.wait, timeoutSeconds: q.timeout, prune: q.prune, actor };
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) return this.stacks.deploy(name, opts);
    await sendSse(request, reply, () => stackDeployEvents(this.stacks, name, opts));
  }

  /** As `docker stack rm`: services, networks, configs and secrets of the stack go; the definition stays. */
  @Post(':name/stop')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ type: StackStopResultDto })
  stopStack(@Param() { name }: StackNameParams, @Actor() actor?: string): Promise<StackStopResultDto> {
    return this.stacks.stop(name, actor);
  }

  /** Deploys and stops, kept in the deploy history under `stack:<name>`. */
  @Get(':name/history')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [StackHistoryRecordDto] })
  getStackHistory(@Param() { name }: StackNameParams): Promise<StackHistoryRecordDto[]> {
    return this.stacks.history(name);
  }

  /** Every service of the stack in one stream, each line tagged with service, slot and node; with follow=true, Server-Sent Events (`line`). */
  @Get(':name/logs')
  @RequireRole('operator')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: [StackLogLineDto] })
  async getStackLogs(
    @Param() { name }: StackNameParams,
    @Query() q: StackLogsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StackLogLineDto[] | void> {
    if (!q.follow) {
      const lines: StackLogLineDto[] = [];
      for await (const l of this.stacks.logs(name, stackLogsOptions(q))) lines.push(toStackLogLineDto(l));
      return lines;
    }
    await sendSse(request, reply, (signal) => stackLogEvents(this.stacks, name, q, signal));
  }
}
