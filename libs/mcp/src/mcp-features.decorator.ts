import { SetMetadata } from '@nestjs/common';
import type { ZodObject, ZodRawShape } from 'zod';

export const MCP_PLAN = 'mcp:plan';
export const MCP_RESOURCE = 'mcp:resource';
export const MCP_RESOURCE_LIST = 'mcp:resource-list';
export const MCP_PROMPT = 'mcp:prompt';

type Role = 'viewer' | 'operator' | 'admin';

/**
 * Marks a method that previews a destructive tool: called with the tool's
 * validated arguments, it returns what the tool would change without changing
 * it (a dry run). A destructive tool called without `confirm: true` answers
 * with this preview. Without one, a tool whose input has `dry_run` is called
 * with `dry_run: true`; else the refusal names the call that would run.
 */
export const McpPlan = (tool: string) => SetMetadata(MCP_PLAN, { tool });

export interface McpResourceOptions {
  /** RFC 6570 template whose variables the method receives, e.g. `swarm://definitions/{name}`. */
  uriTemplate: string;
  /** Names the template in resources/templates/list. */
  name: string;
  title?: string;
  description: string;
  mimeType: string;
  /** The least role that may read it over HTTP (the stdio server trusts its local user). */
  role?: Role;
}

/**
 * Marks a method that reads a resource: it receives the URI's variables and
 * returns the text. A domain error NOT_FOUND becomes the protocol's
 * "resource not found".
 */
export const McpResource = (options: McpResourceOptions) => SetMetadata(MCP_RESOURCE, options);

/** One concrete resource a template stands for, as resources/list shows it. */
export interface McpListedResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
}

/** Marks a method that lists the concrete resources of the template named `template` (for resources/list). */
export const McpResourceList = (template: string) => SetMetadata(MCP_RESOURCE_LIST, { template });

export interface McpPromptOptions {
  /** snake_case, e.g. why_not_running. */
  name: string;
  title?: string;
  description: string;
  /** The prompt's arguments (strings, as the protocol passes them), validated before the method runs. */
  args: ZodObject<ZodRawShape>;
  role?: Role;
}

/** Marks a method that builds a prompt: it receives the validated arguments and returns the user message's text. */
export const McpPrompt = (options: McpPromptOptions) => SetMetadata(MCP_PROMPT, options);
