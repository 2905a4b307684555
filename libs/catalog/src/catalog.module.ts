import { Global, Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { CatalogConfigurableModule } from './catalog.options';
import { CatalogDatabase } from './database/catalog-database';
import { DefinitionStore } from './definition/definition.store';
import { HealthHistory } from './health-history/health-history';
import { ApiTokenStore } from './tokens/api-token.store';
import { AuditLog } from './audit/audit-log';
import { ALERT_PROVIDERS } from './alerts/alert-stores';
import { StackStore } from './stack/stack.store';

@Global()
@Module({
  providers: [CatalogService, DefinitionStore, CatalogDatabase, HealthHistory, ApiTokenStore, AuditLog, ...ALERT_PROVIDERS, StackStore],
  exports: [CatalogService, CatalogDatabase, HealthHistory, ApiTokenStore, AuditLog, ...ALERT_PROVIDERS, StackStore],
})
export class CatalogModule extends CatalogConfigurableModule {}
