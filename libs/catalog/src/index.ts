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
  SERVICE_NAME,
  SERVICE_NAME_RULE,
  REPLICAS,
  REPLICAS_RULES,
  BOOLEAN_FLAG_RULE,
  serviceNameSchema,
  replicasSchema,
  parseBooleanFlag,
} from './definition/input-rules';
export { HealthHistory, type HealthEvent } from './health-history/health-history';
export { ApiTokenStore, type ApiTokenRecord } from './tokens/api-token.store';
export { AuditLog, type AuditEntry, type AuditFilter } from './audit/audit-log';
export { loadStack, MAX_COMPOSE_BYTES, type LoadStackInput, type LoadedStack, type StackProblem } from './stack/stack.loader';
export { parseEnvFile } from './stack/stack.env-files';
export { StackStore, COMPOSE_FILE, VARIABLES_FILE, type StackDefinition, type StackInput } from './stack/stack.store';
export {
  STACK_NAME,
  assertStackName,
  normalizeStackPath,
  type ComposeProject,
  type ComposeService,
  type ComposeFileObject,
} from './stack/stack.types';
export { interpolateString, InterpolationError } from './stack/stack.interpolation';
export { warmComposeSchema } from './stack/stack.schema';
export { maskStack, maskStackVariables, restoreMaskedStack, secretFilePaths } from './stack/stack.mask';
export { isSecretKey, MASK } from './masking/secret-key';
export { maskYamlSecrets, restoreYamlSecrets, type YamlSecretOptions } from './masking/yaml-secrets';
export { AlertStore } from './alerts/alert.store';
export { AlertMuteStore } from './alerts/alert-mute.store';
export { AlertChannelStore } from './alerts/alert-channel.store';
export { alertFacts } from './alerts/alert.records';
export type {
  AlertFacts,
  AlertRecord,
  AlertState,
  AlertEventRecord,
  AlertEventKind,
  AlertMute,
  AlertChannelRecord,
  DeployOutcome,
} from './alerts/alert.records';
export { AlertRulesFile, type AlertRulesState } from './alerts/alert-rules.file';
export {
  ALERT_RULE_IDS,
  ALERT_SEVERITIES,
  DEFAULT_ALERT_RULES,
  parseDuration,
  type AlertRule,
  type AlertRuleId,
  type AlertRules,
  type AlertSeverity,
} from './alerts/alert-rules.schema';
export { withHistory, type HistoryOutcome } from './history/with-history';
