import { Global, Module } from '@nestjs/common';
import { CatalogConfigurableModule } from './catalog.options';

@Global()
@Module({ providers: [], exports: [] })
export class CatalogModule extends CatalogConfigurableModule {}
