import { Global, Module } from '@nestjs/common';
import { RegistryConfigurableModule } from './registry.options';

@Global()
@Module({ providers: [], exports: [] })
export class RegistryModule extends RegistryConfigurableModule {}
