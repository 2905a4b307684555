// The service catalog: definitions as YAML files in DEFINITIONS_DIR (the source
// of truth for specs) and their metadata and deploy history in SQLite.
export * from './catalog.options';
export * from './catalog.module';
