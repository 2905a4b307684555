// Shared kernel of the libraries: the domain error every library throws, so the
// API's one filter and the MCP layer map one set of codes.
export * from './domain-error';
