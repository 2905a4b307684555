import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { AuthFailureLimiter } from './auth-failure-limiter';
import type { Principal } from './principal';
import { TokenRefused, TokenService } from './token.service';

/** How long an address that sent too many bad tokens is refused. */
export const AUTH_BLOCK_MS = 60_000;
export const BEARER_CHALLENGE = 'Bearer realm="swarm-orchestrator"';

/** 429 for an address that sent too many bad tokens; carries the seconds to wait. */
export class TooManyAuthFailures extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed authentications from this address; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The bearer token of a request, or undefined when there is none. */
export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : '';
}

/**
 * Authenticates one HTTP request: reads `Authorization: Bearer …`, refuses an
 * address that sent too many bad tokens in a row (429), and sets
 * `request.principal`. Used by the global guard and by the /mcp endpoint.
 */
@Injectable()
export class AuthService {
  readonly limiter: AuthFailureLimiter;

  constructor(
    private readonly tokens: TokenService,
    config: AppConfig,
  ) {
    this.limiter = new AuthFailureLimiter(config.auth.failedAttemptsLimit, AUTH_BLOCK_MS);
  }

  /** The caller; throws UnauthorizedException (401) or TooManyAuthFailures (429). */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    if (request.principal) return request.principal;
    const token = bearerToken(request);
    if (token === undefined) {
      throw new UnauthorizedException(
        'missing bearer token: send "Authorization: Bearer <token>" (an admin issues tokens at POST /api/auth/tokens)',
      );
    }
    const address = request.ip;
    const wait = this.limiter.blockedFor(address);
    if (wait > 0) throw new TooManyAuthFailures(Math.ceil(wait / 1000));
    try {
      const principal = await this.tokens.verify(token);
      this.limiter.succeed(address);
      request.principal = principal;
      request.watchAccess = (onEnd) => this.tokens.watch(principal, onEnd);
      return principal;
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      if (this.limiter.fail(address)) throw new TooManyAuthFailures(Math.ceil(AUTH_BLOCK_MS / 1000));
      throw new UnauthorizedException(token === '' ? 'malformed Authorization header: expected "Bearer <token>"' : err.message);
    }
  }
}
