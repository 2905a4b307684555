import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface CatalogOptions {
  /** SQLite lives here (catalog.sqlite). */
  dataDir: string;
  /** One YAML file per service definition. */
  definitionsDir: string;
}

export const { ConfigurableModuleClass: CatalogConfigurableModule, MODULE_OPTIONS_TOKEN: CATALOG_OPTIONS } =
  new ConfigurableModuleBuilder<CatalogOptions>().setClassMethodName('forRoot').build();
