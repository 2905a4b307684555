import { Module } from '@nestjs/common';
import { ImageUpdateStateModule } from '../images/image-update-state.module';
import { CatalogController } from './catalog.controller';
import { CatalogEntriesService } from './catalog-entries.service';
import { DeployPreflight } from './deploy-preflight';
import { DeploymentController } from './deployment.controller';
import { DeploymentPlanner } from './deployment-planner';
import { DeploymentService } from './deployment.service';
import { LiveSwarmController } from './live-swarm.controller';
import { LiveSwarmService } from './live-swarm.service';
import { ServiceLogsController } from './service-logs.controller';
import { ServiceLogsService } from './service-logs.service';

/** The service catalog and the swarm's services: entries, deployments, logs, and what runs live. */
@Module({
  imports: [ImageUpdateStateModule],
  // the live routes first: /api/services/live must not be read as a service named "live"
  controllers: [LiveSwarmController, CatalogController, DeploymentController, ServiceLogsController],
  providers: [LiveSwarmService, CatalogEntriesService, DeploymentService, DeploymentPlanner, DeployPreflight, ServiceLogsService],
  exports: [LiveSwarmService, CatalogEntriesService, DeploymentService, DeploymentPlanner, ServiceLogsService],
})
export class ServicesModule {}
