// Shared kernel of the libraries: the domain error every library throws, so the
// API's one filter and the MCP layer map one set of codes; and two small concurrency helpers.
export * from './domain-error';
export { KeyedLock } from './keyed-lock';
export { AsyncQueue } from './async-queue';
