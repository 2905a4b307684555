import { Global, Module } from '@nestjs/common';
import { Catalog } from './catalog.service';
import { CatalogConfigurableModule } from './catalog.options';
import { CatalogDatabase } from './database/catalog-database';
import { DefinitionStore } from './definition/definition.store';
import { HealthHistory } from './health-history/health-history';

@Global()
@Module({ providers: [Catalog, DefinitionStore, CatalogDatabase, HealthHistory], exports: [Catalog, CatalogDatabase, HealthHistory] })
export class CatalogModule extends CatalogConfigurableModule {}
