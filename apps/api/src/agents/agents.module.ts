import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { AgentDirectory } from './agent-directory';
import { AgentSecret } from './agent-secret';
import { NodeFactsService } from './node-facts.service';
import { UsageController } from './usage.controller';
import { UsageMetrics } from './usage-metrics';
import { UsageQueries } from './usage-queries.service';
import { UsageService } from './usage.service';

/** The node agents: where they are, whether they answer, what they report (resource use, node facts). */
@Module({
  imports: [HealthModule],
  controllers: [UsageController],
  providers: [AgentSecret, AgentDirectory, UsageMetrics, UsageService, UsageQueries, NodeFactsService],
  exports: [AgentDirectory, AgentSecret, UsageService],
})
export class AgentsModule {}
