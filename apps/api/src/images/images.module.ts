import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthModule } from '../health/health.module';
import { ServicesModule } from '../services/services.module';
import { ImageUpdateInterceptor } from './image-update.interceptor';
import { ImageUpdates } from './image-updates.service';
import { ImageUsage } from './image-usage.service';
import { ImagesController } from './images.controller';
import { RegistrySecretGuard } from './registry-secret.guard';

/** The image lifecycle: registry notifications in, update-available state, redeploys by policy, which service runs what. */
@Module({
  imports: [HealthModule, ServicesModule],
  controllers: [ImagesController],
  providers: [ImageUpdates, ImageUsage, RegistrySecretGuard, { provide: APP_INTERCEPTOR, useClass: ImageUpdateInterceptor }],
  exports: [ImageUpdates, ImageUsage],
})
export class ImagesModule {}
