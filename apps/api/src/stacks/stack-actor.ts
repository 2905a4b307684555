import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The REST caller as the deploy history shows it: the token's name and role
 * and the way in (`alice (operator, REST)`), from the principal the auth
 * guard put on the request.
 */
export const StackActor = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  return principal ? `${principal.name} (${principal.role}, REST)` : undefined;
});
