// MCP for Nest: the @McpTool decorator, the registry that finds decorated
// provider methods, and the stdio and Streamable HTTP transports.
export * from './mcp.module';
export * from './mcp.options';
export { McpTool, MCP_TOOL, type McpToolOptions, type McpToolAnnotations } from './mcp-tool.decorator';
export { McpToolRegistry, type RegisteredTool } from './mcp-tool.registry';
export { McpServerFactory, describeArgumentErrors, type McpCallContext } from './mcp-server.factory';
export { McpHttpHandler, type McpAccessWatch } from './mcp-http.handler';
export { serveStdio } from './mcp-stdio';
