import { CanActivate, ExecutionContext, ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, BEARER_CHALLENGE, TooManyAuthFailures } from './auth.service';
import type { Principal } from './principal';
import { IS_PUBLIC, isRole, REQUIRED_ROLE, Role, roleSatisfies } from './roles';

/** What a handler's metadata says about access: public, a least role, or nothing (a forgotten decorator). */
export type RouteAccess = { kind: 'public' } | { kind: 'role'; role: Role } | { kind: 'undeclared' };

export function routeAccess(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): RouteAccess {
  if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return { kind: 'public' };
  const role = reflector.getAllAndOverride<unknown>(REQUIRED_ROLE, targets);
  return isRole(role) ? { kind: 'role', role } : { kind: 'undeclared' };
}

/**
 * Whether an authenticated caller may call a route: null when allowed, else
 * the 403 message. A route without a declared role is refused to everyone,
 * admins included, so a forgotten @RequireRole shows up at once.
 */
export function forbiddenReason(access: RouteAccess, principal: Principal, route: string): string | null {
  if (access.kind === 'public') return null;
  if (access.kind === 'undeclared') return `forbidden: ${route} declares no required role, so it is closed to every token`;
  if (roleSatisfies(principal.role, access.role)) return null;
  return `forbidden: needs ${access.role}; the token "${principal.name}" is ${principal.role}`;
}

/**
 * The global guard (APP_GUARD): every controller route needs a bearer token
 * whose role reaches the route's @RequireRole, except @Public() ones. Swagger
 * UI, the OpenAPI document and the SPA's files are not Nest routes and stay open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // only HTTP reaches controllers here; MCP tools are checked by the MCP layer
    if (context.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, [context.getHandler(), context.getClass()]);
    if (access.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    let principal: Principal;
    try {
      principal = await this.auth.authenticate(request);
    } catch (err) {
      decorateAuthError(err, reply);
      throw err;
    }
    const reason = forbiddenReason(access, principal, `${request.method} ${request.routeOptions?.url ?? request.url}`);
    if (reason) throw new ForbiddenException(reason);
    return true;
  }
}

/** Adds the headers a 401 or 429 carries (WWW-Authenticate, Retry-After). */
export function decorateAuthError(err: unknown, reply: FastifyReply): void {
  if (err instanceof TooManyAuthFailures) reply.header('retry-after', String(err.retryAfterSeconds));
  else if (err instanceof HttpException && err.getStatus() === 401) reply.header('www-authenticate', BEARER_CHALLENGE);
}
