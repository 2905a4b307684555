import { Injectable } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpCallContext, McpServerFactory } from './mcp-server.factory';

/** Tells `end` once when the caller's access ends (the reason, e.g. "token revoked"); returns the unsubscribe. */
export type McpAccessWatch = (end: (reason: string) => void) => () => void;

/**
 * Streamable HTTP, stateless: each request gets its own server and transport,
 * so any instance can answer any request and nothing leaks between callers.
 * The one long-lived request is a client's GET stream (server-to-client
 * messages): it lives only as long as the caller's access, and its last
 * message says why it closed.
 */
@Injectable()
export class McpHttpHandler {
  constructor(private readonly factory: McpServerFactory) {}

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    context: McpCallContext = {},
    watchAccess?: McpAccessWatch,
  ): Promise<void> {
    const server = this.factory.create(context);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // a call (POST) was authorized when it arrived and runs to its answer; a stream ends with the access
    const unwatch =
      req.method === 'GET' && watchAccess
        ? watchAccess((reason) => {
            void server
              .sendLoggingMessage({
                level: 'error',
                logger: 'access',
                data: { event: 'end', reason, message: `MCP session closed: ${reason}` },
              })
              .catch(() => undefined)
              .finally(() => void transport.close());
          })
        : () => undefined;
    res.on('close', () => {
      unwatch();
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }
}
