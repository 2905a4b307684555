// The service catalog: definitions as YAML files in DEFINITIONS_DIR (the source
// of truth for specs) and their metadata and deploy history in SQLite.
export * from './catalog.options';
export * from './catalog.module';
export { CatalogService, definitionText, type CatalogItem, type DeployRecord } from './catalog.service';
export { CatalogDatabase, ENTITIES } from './database/catalog-database';
export type { DeployAction, DeployStatus } from './database/deploy-record.entity';
export { parseDefinition, parseComposeServices, validateDefinition, parseShortPort, type ShortPort } from './definition/definition.parser';
export { serviceDefinitionSchema, type ServiceDefinition } from './definition/definition.schema';
export {
  SERVICE_NAME, SERVICE_NAME_RULE, REPLICAS, REPLICAS_RULES, BOOLEAN_FLAG_RULE, serviceNameSchema, replicasSchema, parseBooleanFlag,
} from './definition/input-rules';
export { HealthHistory, type HealthEvent } from './health-history/health-history';
export { ApiTokenStore, type ApiTokenRecord } from './tokens/api-token.store';
export { AuditLog, type AuditEntry } from './audit/audit-log';
