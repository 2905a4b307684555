import { Module } from '@nestjs/common';
import { DeploymentService } from './deployment.service';
import { LiveServicesController } from './live-services.controller';
import { LiveServicesService } from './live-services.service';
import { ServicesController } from './services.controller';

@Module({
  // the live routes first: /api/services/live must not be read as a service named "live"
  controllers: [LiveServicesController, ServicesController],
  providers: [LiveServicesService, DeploymentService],
  exports: [LiveServicesService, DeploymentService],
})
export class ServicesModule {}
