import type { Role } from './roles';

/** Who is calling: a token's name and role (set on the request by the guard or the /mcp hook). */
export interface Principal {
  /** The token's name; `ADMIN_TOKEN` for the token from the environment, `local` for the stdio MCP server. */
  name: string;
  role: Role;
  tokenId?: string;
  expiresAt?: string;
}

/** Why a caller's access ended while a stream of theirs was open. */
export type AccessEnd = 'token revoked' | 'token expired';

/** Tells `onEnd` once when the caller's access ends; returns the function that stops watching. */
export type WatchAccess = (onEnd: (reason: AccessEnd) => void) => () => void;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set with the principal: long-lived responses (SSE, MCP streams) end through it when the token is revoked or expires. */
    watchAccess?: WatchAccess;
  }
}
