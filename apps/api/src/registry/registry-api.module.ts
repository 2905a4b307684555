import { Module } from '@nestjs/common';
import { RegistryController } from './registry.controller';
import { RegistryApiService } from './registry-api.service';

@Module({ controllers: [RegistryController], providers: [RegistryApiService], exports: [RegistryApiService] })
export class RegistryApiModule {}
