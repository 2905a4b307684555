import { SetMetadata } from '@nestjs/common';

/** Roles in increasing power: each may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'auth:requiredRole';
export const IS_PUBLIC = 'auth:public';

/**
 * The least role a route needs: `viewer` reads, `operator` deploys, stops,
 * scales, reads logs and edits the catalog, `admin` manages nodes, deletes from
 * the catalog and the registry, and manages tokens. Every /api handler carries one.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** A route anyone may call without a token (liveness, the OpenAPI document). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
