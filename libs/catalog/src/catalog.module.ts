import { Global, Module } from '@nestjs/common';
import { Catalog } from './catalog.service';
import { CatalogConfigurableModule } from './catalog.options';
import { CatalogDatabase } from './database/catalog-database';
import { DefinitionStore } from './definition/definition.store';

@Global()
@Module({ providers: [Catalog, DefinitionStore, CatalogDatabase], exports: [Catalog, CatalogDatabase] })
export class CatalogModule extends CatalogConfigurableModule {}
