import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ServicesModule } from '../services/services.module';
import { ImageRedeploys } from './image-redeploys.service';
import { ImageUpdateStateModule } from './image-update-state.module';
import { ImageUpdates } from './image-updates.service';
import { ImageUsage } from './image-usage.service';
import { ImagesController } from './images.controller';
import { RegistrySecretGuard } from './registry-secret.guard';
import { ServiceRedeployController } from './service-redeploy.controller';

/** The image lifecycle: registry notifications in, update-available state, redeploys by policy or on request, which service runs what. */
@Module({
  imports: [HealthModule, ServicesModule, ImageUpdateStateModule],
  controllers: [ImagesController, ServiceRedeployController],
  providers: [ImageUpdates, ImageRedeploys, ImageUsage, RegistrySecretGuard],
  exports: [ImageUpdates, ImageRedeploys, ImageUsage],
})
export class ImagesModule {}
