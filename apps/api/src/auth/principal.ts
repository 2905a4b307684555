import type { Role } from './roles';

/** Who is calling: a token's name and role (set on the request by the guard or the /mcp hook). */
export interface Principal {
  /** The token's name; `ADMIN_TOKEN` for the token from the environment, `local` for the stdio MCP server. */
  name: string;
  role: Role;
  tokenId?: string;
  expiresAt?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
