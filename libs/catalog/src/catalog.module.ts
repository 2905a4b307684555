import { Global, Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { CatalogConfigurableModule } from './catalog.options';
import { CatalogDatabase } from './database/catalog-database';
import { DefinitionStore } from './definition/definition.store';
import { HealthHistory } from './health-history/health-history';
import { ApiTokenStore } from './tokens/api-token.store';
import { AuditLog } from './audit/audit-log';
import { AlertStore } from './alerts/alert.store';
import { AlertRulesFile } from './alerts/alert-rules.file';
import { StackStore } from './stack/stack.store';

@Global()
@Module({
  providers: [
    CatalogService,
    DefinitionStore,
    CatalogDatabase,
    HealthHistory,
    ApiTokenStore,
    AuditLog,
    AlertStore,
    AlertRulesFile,
    StackStore,
  ],
  exports: [CatalogService, CatalogDatabase, HealthHistory, ApiTokenStore, AuditLog, AlertStore, AlertRulesFile, StackStore],
})
export class CatalogModule extends CatalogConfigurableModule {}
