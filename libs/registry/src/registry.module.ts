import { Global, Module } from '@nestjs/common';
import { RegistryClient } from './registry.client';
import { RegistryConfigurableModule } from './registry.options';

@Global()
@Module({ providers: [RegistryClient], exports: [RegistryClient] })
export class RegistryModule extends RegistryConfigurableModule {}
