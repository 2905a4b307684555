import { Inject, Injectable, Logger } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  CallToolRequestSchema,
  CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z, type ZodError, type ZodObject, type ZodRawShape } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { isDomainError } from '@app/common';
import { McpFeatureRegistry, RegisteredResource } from './mcp-feature.registry';
import { outputOrError, toolError } from './mcp-result';
import { MCP_OPTIONS, McpOptions } from './mcp.options';
import { McpToolOptions } from './mcp-tool.decorator';
import { McpToolRegistry, RegisteredTool } from './mcp-tool.registry';

/** What a caller's role is checked against: a tool, a resource or a prompt. */
export type McpFeature = Pick<McpToolOptions, 'name' | 'role'>;

export interface McpCallContext {
  /** Refuses a tool, resource or prompt (e.g. above the caller's role) with the reason, or allows it with undefined. */
  authorize?(feature: McpFeature): string | undefined;
  /** Told of every call that ran, for an audit log. */
  onCall?(tool: McpToolOptions, args: unknown, result: CallToolResult): void;
  /** Only read tools (readOnlyHint) for this caller, e.g. a viewer; the server's own readOnly option applies to everyone. */
  readOnly?: boolean;
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

/** Destructive tools (destructiveHint: true) run only with `confirm: true`; see McpPlan. */
function isDestructive(tool: McpToolOptions): boolean {
  return tool.annotations?.destructiveHint === true;
}

const CONFIRM = z.boolean().optional().describe('true to run it: without it the tool changes nothing and answers what it would do');

/** The arguments a tool accepts: its declared input, plus `confirm` for a destructive one. */
function inputOf(tool: McpToolOptions): ZodObject<ZodRawShape> {
  return isDestructive(tool) ? tool.input.extend({ confirm: CONFIRM }) : tool.input;
}

/**
 * Builds an MCP server whose tools are the registry's decorated methods. Each
 * call is validated against its declared input before the method runs; domain
 * errors come back as `isError` results with the message the REST API gives
 * and its code in the structured content. A destructive tool runs only with
 * `confirm: true`; in read-only mode (the server's option, or the caller's)
 * only read tools exist. Resources and prompts come from the feature registry.
 */
@Injectable()
export class McpServerFactory {
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly registry: McpToolRegistry,
    private readonly features: McpFeatureRegistry,
    @Inject(MCP_OPTIONS) private readonly options: McpOptions,
  ) {}

  create(context: McpCallContext = {}): Server {
    const hasResources = this.features.resources().length > 0;
    const hasPrompts = this.features.prompts().length > 0;
    const server = new Server(
      { name: this.options.name, version: this.options.version },
      {
        capabilities: { tools: {}, logging: {}, ...(hasResources ? { resources: {} } : {}), ...(hasPrompts ? { prompts: {} } : {}) },
        instructions: this.options.instructions,
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.registry
        .list()
        .filter((t) => !this.refusal(t.options, context))
        .map(({ options }) => this.describe(options)),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request) =>
      this.callTool(request.params.name, request.params.arguments, context),
    );
    if (hasResources) this.serveResources(server, context);
    if (hasPrompts) this.servePrompts(server, context);
    return server;
  }

  private describe(options: McpToolOptions): Tool {
    return {
      name: options.name,
      title: options.annotations?.title,
      description: options.description,
      inputSchema: toJsonSchema(inputOf(options)) as Tool['inputSchema'],
      ...(options.output ? { outputSchema: outputOrError(toJsonSchema(options.output)) as unknown as Tool['outputSchema'] } : {}),
      annotations: options.annotations,
    };
  }

  /** Why this caller may not see or call a tool, or undefined. */
  private refusal(tool: McpToolOptions, context: McpCallContext): string | undefined {
    // the role first: "needs operator" tells a viewer more than "read-only"
    const forbidden = context.authorize?.(tool);
    if (forbidden) return forbidden;
    if ((this.options.readOnly || context.readOnly) && tool.annotations?.readOnlyHint !== true) {
      return this.options.readOnly
        ? `the tool ${tool.name} is not available: this MCP server is read-only (MCP_READ_ONLY=true)`
        : `the tool ${tool.name} is not available: this session is read-only (a viewer token sees only read tools)`;
    }
    return undefined;
  }

  private async callTool(name: string, rawArgs: unknown, context: McpCallContext): Promise<CallToolResult> {
    const tool = this.registry.get(name);
    if (!tool) return toolError('NOT_FOUND', `unknown tool "${name}"`);
    const refused = this.refusal(tool.options, context);
    if (refused) return toolError('FORBIDDEN', refused);
    const parsed = inputOf(tool.options).safeParse(rawArgs ?? {});
    if (!parsed.success) return toolError('INVALID', `invalid arguments: ${describeArgumentErrors(parsed.error)}`);
    const { confirm, ...args } = parsed.data as Record<string, unknown>;
    if (isDestructive(tool.options) && confirm !== true && args.dry_run !== true) return this.confirmationRequired(tool, args);
    let result: CallToolResult;
    try {
      const value = await tool.call(args);
      const structured = tool.options.output && value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
      result = { content: [{ type: 'text', text: toText(value) }], ...(structured ? { structuredContent: structured } : {}) };
    } catch (err) {
      result = this.errorResult(tool.options.name, err);
    }
    context.onCall?.(tool.options, args, result);
    return result;
  }

  private errorResult(tool: string, err: unknown): CallToolResult {
    if (isDomainError(err)) return toolError(err.code, err.message, err.details ? { details: err.details } : {});
    this.logger.error(`tool ${tool} failed: ${(err as Error)?.stack ?? String(err)}`);
    return toolError('INTERNAL', `${tool} failed unexpectedly; see the server log`);
  }

  /**
   * A destructive tool called without `confirm: true`: nothing runs but the
   * preview (the tool's @McpPlan, or the tool itself with dry_run: true when
   * it takes one), and the answer says what to send to go ahead.
   */
  private async confirmationRequired(tool: RegisteredTool, args: Record<string, unknown>): Promise<CallToolResult> {
    const name = tool.options.name;
    const send = { name, arguments: { ...args, confirm: true } };
    const preview =
      this.features.plan(name) ??
      ('dry_run' in tool.options.input.shape ? (a: unknown) => tool.call({ ...(a as object), dry_run: true }) : undefined);
    let plan: unknown = { tool: name, arguments: args, note: 'no dry run for this tool: this is the call that would run' };
    if (preview) {
      try {
        plan = await preview(args);
      } catch (err) {
        // the preview's own error (e.g. NOT_FOUND) is the answer: the call would fail the same way
        return this.errorResult(name, err);
      }
    }
    const message = `${name} is destructive and did not run: call it again with the same arguments and "confirm": true`;
    const text = `${message}, i.e. ${JSON.stringify(send.arguments)}.\nWhat it would do:\n${toText(plan)}`;
    return toolError('CONFIRMATION_REQUIRED', message, { send, plan }, text);
  }

  private visibleResources(context: McpCallContext): RegisteredResource[] {
    return this.features.resources().filter((r) => !context.authorize?.(r.options));
  }

  private serveResources(server: Server, context: McpCallContext): void {
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: this.visibleResources(context).map(({ options: o }) => ({
        uriTemplate: o.uriTemplate,
        name: o.name,
        title: o.title,
        description: o.description,
        mimeType: o.mimeType,
      })),
    }));
    server.setRequestHandler(ListResourcesRequestSchema, async () => {
      const lists = await Promise.all(
        this.visibleResources(context).map(async (r) => {
          if (!r.list) return [];
          try {
            return (await r.list()).map((item) => ({ mimeType: r.options.mimeType, ...item }));
          } catch (err) {
            // one source down (Docker, the catalog) hides its resources, not the others'
            this.logger.warn(`listing the resources ${r.options.name} failed: ${(err as Error).message}`);
            return [];
          }
        }),
      );
      return { resources: lists.flat() };
    });
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const { uri } = request.params;
      for (const resource of this.features.resources()) {
        const variables = new UriTemplate(resource.options.uriTemplate).match(uri);
        if (!variables) continue;
        const refused = context.authorize?.(resource.options);
        if (refused) throw new McpError(ErrorCode.InvalidRequest, refused);
        const flat = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
        try {
          const value = await resource.read(flat);
          return { contents: [{ uri, mimeType: resource.options.mimeType, text: toText(value) }] };
        } catch (err) {
          throw this.protocolError(err, uri);
        }
      }
      throw new McpError(RESOURCE_NOT_FOUND, `no resource at ${uri}`, { uri });
    });
  }

  private servePrompts(server: Server, context: McpCallContext): void {
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: this.features
        .prompts()
        .filter((p) => !context.authorize?.(p.options))
        .map(({ options: o }) => ({
          name: o.name,
          title: o.title,
          description: o.description,
          arguments: Object.entries(o.args.shape).map(([name, schema]) => ({
            name,
            description: schema.description,
            required: !schema.isOptional(),
          })),
        })),
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (request) => {
      const prompt = this.features.prompt(request.params.name);
      if (!prompt) throw new McpError(ErrorCode.InvalidParams, `unknown prompt "${request.params.name}"`);
      const refused = context.authorize?.(prompt.options);
      if (refused) throw new McpError(ErrorCode.InvalidRequest, refused);
      const parsed = prompt.options.args.safeParse(request.params.arguments ?? {});
      if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `invalid arguments: ${describeArgumentErrors(parsed.error)}`);
      try {
        const text = toText(await prompt.build(parsed.data));
        return { description: prompt.options.description, messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
      } catch (err) {
        throw this.protocolError(err);
      }
    });
  }

  /** A resource or prompt failed: the protocol's error, with the domain code in its data. */
  private protocolError(err: unknown, uri?: string): McpError {
    if (isDomainError(err)) {
      return new McpError(
        err.code === 'NOT_FOUND' ? RESOURCE_NOT_FOUND : err.code === 'INVALID' ? ErrorCode.InvalidParams : ErrorCode.InternalError,
        err.message,
        { code: err.code, ...(uri ? { uri } : {}) },
      );
    }
    this.logger.error(`MCP read failed: ${(err as Error)?.stack ?? String(err)}`);
    return new McpError(ErrorCode.InternalError, 'the read failed unexpectedly; see the server log', { code: 'INTERNAL' });
  }
}

/** The protocol's "resource not found" (MCP spec, resources: error handling). */
const RESOURCE_NOT_FOUND = -32002;
