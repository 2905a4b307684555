// MCP for Nest: the @McpTool decorator, the registry that finds decorated
// provider methods, and the stdio and Streamable HTTP transports.
export * from './mcp.module';
export * from './mcp.options';
export { McpTool, MCP_TOOL, type McpToolOptions, type McpToolAnnotations } from './mcp-tool.decorator';
export { McpToolRegistry, type RegisteredTool } from './mcp-tool.registry';
export { McpServerFactory, describeArgumentErrors, type McpCallContext, type McpFeature } from './mcp-server.factory';
export {
  McpPlan,
  McpResource,
  McpResourceList,
  McpPrompt,
  type McpResourceOptions,
  type McpListedResource,
  type McpPromptOptions,
} from './mcp-features.decorator';
export { McpFeatureRegistry } from './mcp-feature.registry';
export { toolError, MCP_ERROR_CODES, type McpErrorCode } from './mcp-result';
export { McpHttpHandler, type McpAccessWatch } from './mcp-http.handler';
export { serveStdio, type StdioEnd } from './mcp-stdio';
