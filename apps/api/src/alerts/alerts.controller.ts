import { Body, Controller, createParamDecorator, Delete, ExecutionContext, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import {
  AlertChannelDto,
  AlertChannelInputDto,
  AlertDetailDto,
  AlertHistoryDto,
  AlertHistoryQuery,
  AlertIdParams,
  AlertMuteDto,
  AlertRulesDto,
  AlertsPageDto,
  AlertsQuery,
  ChannelTestResultDto,
  CreateMuteDto,
  MuteAlertDto,
  MuteIdParams,
  UpdateAlertRulesDto,
} from './alerts.dto';
import { AlertsService } from './alerts.service';

/** The caller's token name, for "who muted". */
const Actor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().principal?.name ?? 'anonymous',
);

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Firing alerts, a page of all alerts (newest first), mutes in force and each channel's delivery status. */
  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: AlertsPageDto })
  listAlerts(@Query() q: AlertsQuery): Promise<AlertsPageDto> {
    return this.alerts.listAlerts(q);
  }

  /** Fired, repeated, resolved, muted and unmuted, with who muted, newest first. */
  @Get('history')
  @RequireRole('viewer')
  @ApiOkResponse({ type: AlertHistoryDto })
  getAlertHistory(@Query() q: AlertHistoryQuery): Promise<AlertHistoryDto> {
    return this.alerts.history(q);
  }

  @Get('mutes')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [AlertMuteDto] })
  listAlertMutes(): Promise<AlertMuteDto[]> {
    return this.alerts.listMutes();
  }

  /** Mute a service, a node (optionally one rule there) or every alert for a time. */
  @Post('mutes')
  @RequireRole('operator')
  @ApiCreatedResponse({ type: AlertMuteDto })
  createAlertMute(@Body() body: CreateMuteDto, @Actor() actor: string): Promise<AlertMuteDto> {
    return this.alerts.createMute(body, actor);
  }

  /** End a mute now. */
  @Delete('mutes/:id')
  @RequireRole('operator')
  @ApiOkResponse({ type: AlertMuteDto })
  endAlertMute(@Param() { id }: MuteIdParams, @Actor() actor: string): Promise<AlertMuteDto> {
    return this.alerts.endMute(id, actor);
  }

  @Get('rules')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertRulesDto })
  getAlertRules(): Promise<AlertRulesDto> {
    return this.alerts.getRules();
  }

  /** Replace DATA_DIR/alerts.yaml; a bad key or value is refused naming it, and the file is left as it was. */
  @Put('rules')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertRulesDto })
  updateAlertRules(@Body() { yaml }: UpdateAlertRulesDto): Promise<AlertRulesDto> {
    return this.alerts.updateRules(yaml);
  }

  @Get('channels')
  @RequireRole('admin')
  @ApiOkResponse({ type: [AlertChannelDto] })
  listAlertChannels(): Promise<AlertChannelDto[]> {
    return this.alerts.listChannels();
  }

  @Post('channels')
  @RequireRole('admin')
  @ApiCreatedResponse({ type: AlertChannelDto })
  createAlertChannel(@Body() body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return this.alerts.createChannel(body);
  }

  @Get('channels/:id')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertChannelDto })
  getAlertChannel(@Param() { id }: AlertIdParams): Promise<AlertChannelDto> {
    return this.alerts.getChannel(id);
  }

  /** Replace a channel; secrets sent back as ******** keep their stored values. */
  @Put('channels/:id')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertChannelDto })
  updateAlertChannel(@Param() { id }: AlertIdParams, @Body() body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return this.alerts.updateChannel(id, body);
  }

  @Delete('channels/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  deleteAlertChannel(@Param() { id }: AlertIdParams): Promise<void> {
    return this.alerts.deleteChannel(id);
  }

  /** Send a sample alert through the channel now (one attempt); the outcome is also the channel's status. */
  @Post('channels/:id/test')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOkResponse({ type: ChannelTestResultDto })
  testAlertChannel(@Param() { id }: AlertIdParams, @Actor() actor: string): Promise<ChannelTestResultDto> {
    return this.alerts.testChannel(id, actor);
  }

  /** One alert with its history. */
  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: AlertDetailDto })
  getAlert(@Param() { id }: AlertIdParams): Promise<AlertDetailDto> {
    return this.alerts.getAlert(id);
  }

  /** Mute what the alert is about for a time (see `scope`); it and the alerts like it are not sent meanwhile. */
  @Post(':id/mute')
  @RequireRole('operator')
  @ApiCreatedResponse({ type: AlertMuteDto })
  muteAlert(@Param() { id }: AlertIdParams, @Body() body: MuteAlertDto, @Actor() actor: string): Promise<AlertMuteDto> {
    return this.alerts.muteAlert(id, body, actor);
  }
}
