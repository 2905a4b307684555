import { Inject, Injectable, Logger } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ZodError } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { isDomainError } from '@app/common';
import { MCP_OPTIONS, McpOptions } from './mcp.options';
import { McpToolOptions } from './mcp-tool.decorator';
import { McpToolRegistry } from './mcp-tool.registry';

export interface McpCallContext {
  /** Refuses a tool (e.g. above the caller's role) with the reason, or allows it with undefined. */
  authorize?(tool: McpToolOptions): string | undefined;
  /** Told of every call that ran, for an audit log. */
  onCall?(tool: McpToolOptions, args: unknown, result: CallToolResult): void;
}

/** "replicas: must be 0 or more; name: is required" from a zod error. */
export function describeArgumentErrors(error: ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.join('.') || '(arguments)';
      if (i.code === 'invalid_type' && i.received === 'undefined') return `${path}: is required`;
      if (i.code === 'unrecognized_keys') return `${i.keys.join(', ')}: unknown argument`;
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

function toJsonSchema(schema: McpToolOptions['input'] | McpToolOptions['output']): Record<string, unknown> {
  // typed loosely: zod-to-json-schema's generic signature is too deep for the compiler here
  const convert = zodToJsonSchema as unknown as (s: unknown, o: object) => Record<string, unknown>;
  const json = convert(schema, { target: 'jsonSchema7', $refStrategy: 'none' });
  delete json.$schema;
  return json;
}

/** Text an agent reads: the method's own words when it returns a string, else the JSON. */
function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * Builds an MCP server whose tools are the registry's decorated methods. Each
 * call is validated against its declared input before the method runs; domain
 * errors come back as `isError` results with the message the REST API gives.
 */
@Injectable()
export class McpServerFactory {
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly registry: McpToolRegistry,
    @Inject(MCP_OPTIONS) private readonly options: McpOptions,
  ) {}

  create(context: McpCallContext = {}): Server {
    const server = new Server({ name: this.options.name, version: this.options.version }, { capabilities: { tools: {}, logging: {} }, instructions: this.options.instructions });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.registry.list().map(({ options }) => ({
        name: options.name,
        title: options.annotations?.title,
        description: options.description,
        inputSchema: toJsonSchema(options.input) as { type: 'object' },
        ...(options.output ? { outputSchema: toJsonSchema(options.output) as { type: 'object' } } : {}),
        annotations: options.annotations,
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
      const tool = this.registry.get(request.params.name);
      if (!tool) return { isError: true, content: [{ type: 'text', text: `unknown tool "${request.params.name}"` }] };
      const refused = context.authorize?.(tool.options);
      if (refused) return { isError: true, content: [{ type: 'text', text: refused }] };
      const parsed = tool.options.input.safeParse(request.params.arguments ?? {});
      if (!parsed.success) {
        return { isError: true, content: [{ type: 'text', text: `invalid arguments: ${describeArgumentErrors(parsed.error)}` }] };
      }
      let result: CallToolResult;
      try {
        const value = await tool.call(parsed.data);
        const structured = tool.options.output && value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
        result = { content: [{ type: 'text', text: toText(value) }], ...(structured ? { structuredContent: structured } : {}) };
      } catch (err) {
        if (isDomainError(err)) {
          result = { isError: true, content: [{ type: 'text', text: err.message }] };
        } else {
          this.logger.error(`tool ${tool.options.name} failed: ${(err as Error)?.stack ?? String(err)}`);
          result = { isError: true, content: [{ type: 'text', text: `${tool.options.name} failed unexpectedly; see the server log` }] };
        }
      }
      context.onCall?.(tool.options, parsed.data, result);
      return result;
    });
    return server;
  }
}
