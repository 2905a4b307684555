import { Module } from '@nestjs/common';
import { ImagesModule } from '../images/images.module';
import { RegistryController } from './registry.controller';
import { RegistryApiService } from './registry-api.service';

@Module({ imports: [ImagesModule], controllers: [RegistryController], providers: [RegistryApiService], exports: [RegistryApiService] })
export class RegistryApiModule {}
