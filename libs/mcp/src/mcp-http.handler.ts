import { Injectable } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpCallContext, McpServerFactory } from './mcp-server.factory';

/**
 * Streamable HTTP, stateless: each request gets its own server and transport,
 * so any instance can answer any request and nothing leaks between callers.
 */
@Injectable()
export class McpHttpHandler {
  constructor(private readonly factory: McpServerFactory) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown, context: McpCallContext = {}): Promise<void> {
    const server = this.factory.create(context);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }
}
