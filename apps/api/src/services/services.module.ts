import { Module } from '@nestjs/common';
import { LiveServicesController } from './live-services.controller';
import { LiveServicesService } from './live-services.service';

@Module({
  controllers: [LiveServicesController],
  providers: [LiveServicesService],
  exports: [LiveServicesService],
})
export class ServicesModule {}
