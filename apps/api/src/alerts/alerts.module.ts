import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertChannelsService } from './alert-channels.service';
import { AlertEngine } from './alert-engine';
import { AlertRulesService } from './alert-rules.service';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** Alerts: rules over the health monitor's snapshot, their history, mutes, and the channels they are sent to. */
@Module({
  imports: [HealthModule],
  controllers: [AlertsController],
  providers: [AlertEngine, AlertDispatcher, AlertsService, AlertChannelsService, AlertRulesService],
  exports: [AlertsService],
})
export class AlertsModule {}
