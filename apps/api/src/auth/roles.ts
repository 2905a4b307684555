import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** Roles in increasing power: each may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'auth:requiredRole';
export const IS_PUBLIC = 'auth:public';
/** The OpenAPI extension that names each operation's least role, for clients (the web app disables what a role may not do). */
export const ROLE_EXTENSION = 'x-required-role';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether a caller with role `have` may call a route that needs `need`. */
export function roleSatisfies(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/**
 * The least role a route needs: `viewer` reads, `operator` deploys, stops,
 * scales, reads logs and edits the catalog, `admin` manages nodes, deletes from
 * the catalog and the registry, and manages tokens. Every /api handler carries one.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    ApiBearerAuth(),
    ApiExtension(ROLE_EXTENSION, role),
    ApiUnauthorizedResponse({ description: 'no bearer token, or an unknown, expired or revoked one' }),
    ...(role === 'viewer' ? [] : [ApiForbiddenResponse({ description: `the token's role is below ${role}` })]),
  );

/** A route anyone may call without a token (liveness, the OpenAPI document). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
