import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DOMAIN_ERROR_CODES, type DomainErrorCode } from '@app/common';

/**
 * The code of an `isError` result: a domain error's code, exactly as the REST
 * API's body carries it, or one of the MCP layer's own: INTERNAL (a bug; see
 * the server log) and CONFIRMATION_REQUIRED (a destructive tool called
 * without `confirm: true`).
 */
export type McpErrorCode = DomainErrorCode | 'INTERNAL' | 'CONFIRMATION_REQUIRED';
export const MCP_ERROR_CODES: readonly McpErrorCode[] = [...DOMAIN_ERROR_CODES, 'INTERNAL', 'CONFIRMATION_REQUIRED'];

/** An `isError` result: the message as text, and `{ code, message, … }` as structured content for a program. */
export function toolError(code: McpErrorCode, message: string, extra: Record<string, unknown> = {}, text = message): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }], structuredContent: { code, message, ...extra } };
}

/** The JSON Schema of an error's structured content. */
export const ERROR_OUTPUT_SCHEMA = {
  type: 'object',
  properties: { code: { type: 'string', enum: [...MCP_ERROR_CODES] }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/**
 * A tool's declared output, or an error. Clients check structuredContent
 * against the output schema, and the TypeScript SDK's client does so for
 * `isError` results too (typescript-sdk#1943): an error with a code must match
 * the published schema, so the schema says "this, or an error".
 */
export function outputOrError(output: Record<string, unknown>): { type: 'object'; anyOf: unknown[] } {
  return { type: 'object', anyOf: [output, ERROR_OUTPUT_SCHEMA] };
}
