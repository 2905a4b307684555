import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';

/*
 * Who did it, as the deploy history shows it: the token's name and role and
 * the way in. `alice (operator, REST)`, `mcp:alice (operator)`, `local (MCP stdio)`.
 */

export function restActor(principal: Principal | undefined): string {
  return principal ? `${principal.name} (${principal.role}, REST)` : 'anonymous (REST)';
}

export function mcpHttpActor(principal: Principal): string {
  return `mcp:${principal.name} (${principal.role})`;
}

export const MCP_STDIO_ACTOR = 'local (MCP stdio)';

/** The REST caller of the handler, from the principal the auth guard put on the request. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  restActor(context.switchToHttp().getRequest<FastifyRequest>().principal),
);
