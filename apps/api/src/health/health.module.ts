import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthMetrics } from './health-metrics';
import { HealthMonitor } from './health-monitor';
import { HealthService } from './health.service';

@Module({
  controllers: [HealthController],
  providers: [HealthMonitor, HealthMetrics, HealthService],
  exports: [HealthService, HealthMonitor, HealthMetrics],
})
export class HealthModule {}
