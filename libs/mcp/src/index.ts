// MCP for Nest: the @McpTool decorator, the explorer that turns decorated
// service methods into tools, and the stdio and Streamable HTTP transports.
export * from './mcp.module';
