// The only code that talks to a Docker Registry (HTTP API v2): repositories,
// tags, manifests, platforms and deletes.
export * from './registry.options';
export * from './registry.module';
export * from './registry.types';
export { RegistryClient, MEDIA } from './registry.client';
export { nextLink, parseChallenge } from './registry-auth';
export { parseNotificationEnvelope, NOTIFICATION_MEDIA_TYPE, type RegistryEvent, type ParsedEnvelope } from './registry-notification';
