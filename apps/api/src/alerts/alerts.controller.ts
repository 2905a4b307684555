import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { AlertChannelDto, AlertChannelInputDto, ChannelTestResultDto } from './alert-channel.dto';
import { AlertChannelsService } from './alert-channels.service';
import { AlertMuteDto, CreateMuteDto, MuteAlertDto } from './alert-mute.dto';
import { AlertHistoryQuery, AlertIdParams, AlertsQuery, MuteIdParams } from './alert-query.dto';
import { AlertRulesDto, PatchAlertRulesDto, UpdateAlertRulesDto } from './alert-rules.dto';
import { AlertRulesService } from './alert-rules.service';
import { AlertDetailDto, AlertHistoryDto, AlertsPageDto } from './alert.dto';
import { AlertsService } from './alerts.service';

/** The caller's token name, for "who muted". */
const Actor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().principal?.name ?? 'anonymous',
);

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly channels: AlertChannelsService,
    private readonly rules: AlertRulesService,
  ) {}

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

  /** The rules in force and the file (rules are no secret: every role sees them; only an admin changes them). */
  @Get('rules')
  @RequireRole('viewer')
  @ApiOkResponse({ type: AlertRulesDto })
  getAlertRules(): Promise<AlertRulesDto> {
    return this.rules.getRules();
  }

  /** Replace DATA_DIR/alerts.yaml; a bad key or value is refused naming it and its line (`problems`), and the file is left as it was. */
  @Put('rules')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertRulesDto })
  updateAlertRules(@Body() { yaml }: UpdateAlertRulesDto): Promise<AlertRulesDto> {
    return this.rules.updateRules(yaml);
  }

  /** Change some settings of some rules (the dashboard's form), keeping the rest of the file and its comments. */
  @Patch('rules')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertRulesDto })
  patchAlertRules(@Body() { rules }: PatchAlertRulesDto): Promise<AlertRulesDto> {
    return this.rules.patchRules(rules);
  }

  @Get('channels')
  @RequireRole('admin')
  @ApiOkResponse({ type: [AlertChannelDto] })
  listAlertChannels(): Promise<AlertChannelDto[]> {
    return this.channels.listChannels();
  }

  @Post('channels')
  @RequireRole('admin')
  @ApiCreatedResponse({ type: AlertChannelDto })
  createAlertChannel(@Body() body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return this.channels.createChannel(body);
  }

  @Get('channels/:id')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertChannelDto })
  getAlertChannel(@Param() { id }: AlertIdParams): Promise<AlertChannelDto> {
    return this.channels.getChannel(id);
  }

  /** Replace a channel; secrets sent back as ******** keep their stored values. */
  @Put('channels/:id')
  @RequireRole('admin')
  @ApiOkResponse({ type: AlertChannelDto })
  updateAlertChannel(@Param() { id }: AlertIdParams, @Body() body: AlertChannelInputDto): Promise<AlertChannelDto> {
    return this.channels.updateChannel(id, body);
  }

  @Delete('channels/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiNoContentResponse()
  deleteAlertChannel(@Param() { id }: AlertIdParams): Promise<void> {
    return this.channels.deleteChannel(id);
  }

  /** Send a sample alert through the channel now (one attempt); the outcome is also the channel's status. */
  @Post('channels/:id/test')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOkResponse({ type: ChannelTestResultDto })
  testAlertChannel(@Param() { id }: AlertIdParams, @Actor() actor: string): Promise<ChannelTestResultDto> {
    return this.channels.testChannel(id, actor);
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
