import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { McpCallContext, McpToolOptions } from '@app/mcp';
import { MCP_STDIO_ACTOR, mcpHttpActor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { isRole, roleSatisfies } from '../auth/roles';

/** The actor the stdio MCP server records: whoever started it on this machine. */
export const LOCAL_ACTOR = 'local';

/**
 * The caller of the tool call in progress, for the deploy history. The
 * authorize hook runs just before the tool, in the call's own async context,
 * and enters it there; a tool method reads it with `mcpActor()`.
 */
const currentCaller = new AsyncLocalStorage<string>();

/** Who called the MCP tool now running (undefined outside a tool call). */
export function mcpActor(): string | undefined {
  return currentCaller.getStore();
}

/** What the tool acts on, from its usual argument names. */
function targetOf(args: unknown): string | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const a = args as Record<string, unknown>;
  const value = a.name ?? a.service ?? a.node ?? a.repository ?? a.id;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * The hooks around MCP tool calls: over HTTP a tool above the caller's role is
 * refused ("forbidden: needs operator"), a tool without a role is refused to
 * everyone; every call that may change something (no readOnlyHint) is audited,
 * over HTTP with the token's name, over stdio as `local`.
 */
@Injectable()
export class McpCallContexts {
  constructor(private readonly audit: AuditService) {}

  forPrincipal(principal: Principal, requestId?: string): McpCallContext {
    return {
      authorize: (tool) => {
        currentCaller.enterWith(mcpHttpActor(principal));
        if (!isRole(tool.role)) return `forbidden: the tool ${tool.name} declares no role, so it is closed over HTTP`;
        if (roleSatisfies(principal.role, tool.role)) return undefined;
        return `forbidden: needs ${tool.role}; the token "${principal.name}" is ${principal.role}`;
      },
      onCall: (tool, args, result) => this.recordCall(principal.name, principal.role, tool, args, result, requestId),
    };
  }

  /** stdio: the local user who started the server may call every tool. */
  forLocal(): McpCallContext {
    return {
      authorize: () => {
        currentCaller.enterWith(MCP_STDIO_ACTOR);
        return undefined;
      },
      onCall: (tool, args, result) => this.recordCall(LOCAL_ACTOR, 'local', tool, args, result),
    };
  }

  private recordCall(
    actor: string,
    role: string,
    tool: McpToolOptions,
    args: unknown,
    result: { isError?: boolean; content?: unknown[] },
    requestId?: string,
  ): void {
    if (tool.annotations?.readOnlyHint) return;
    const error = result.isError ? textOf(result.content) : undefined;
    void this.audit.record({
      source: 'mcp',
      actor,
      role,
      action: tool.name,
      target: targetOf(args),
      params: args,
      outcome: result.isError ? 'error' : 'ok',
      error,
      requestId,
    });
  }
}

function textOf(content: unknown[] | undefined): string {
  return (content ?? [])
    .map((c) => (c && typeof c === 'object' && 'text' in c ? String((c as { text: unknown }).text) : ''))
    .join(' ')
    .slice(0, 2000);
}
