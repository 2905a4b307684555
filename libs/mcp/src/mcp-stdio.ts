import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpCallContext, McpServerFactory } from './mcp-server.factory';

/** Serves the tools over stdin/stdout; resolves when the client closes the stream. */
export async function serveStdio(factory: McpServerFactory, context: McpCallContext = {}): Promise<void> {
  const server = factory.create(context);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = () => resolve()));
  await server.connect(transport);
  await closed;
}
