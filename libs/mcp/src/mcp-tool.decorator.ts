import { SetMetadata } from '@nestjs/common';
import type { ZodObject, ZodRawShape, ZodTypeAny } from 'zod';

export const MCP_TOOL = 'mcp:tool';

export interface McpToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface McpToolOptions {
  /** snake_case verb: list_services, deploy_service. */
  name: string;
  description: string;
  /** The arguments, declared once: JSON Schema for tools/list and validation of every call. */
  input: ZodObject<ZodRawShape>;
  /** The structuredContent's schema (an object); the tool's result is validated against nothing, but clients get the schema. */
  output?: ZodTypeAny;
  annotations?: McpToolAnnotations;
  /** The least role that may call it over HTTP (the stdio server trusts its local user). */
  role?: 'viewer' | 'operator' | 'admin';
}

/**
 * Marks a provider method as an MCP tool. It only stores metadata; the
 * explorer finds decorated methods at bootstrap and registers them. The method
 * receives the validated arguments and returns a plain object (structured
 * content) or a string.
 */
export const McpTool = (options: McpToolOptions) => SetMetadata(MCP_TOOL, options);
