import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/** The header the registry sends the shared secret in (notifications.endpoints[].headers). */
export const REGISTRY_SECRET_HEADER = 'x-registry-secret';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The registry's own way in: no bearer token (a registry cannot hold one that
 * expires), but the shared secret REGISTRY_NOTIFY_SECRET in a header. The
 * route is @Public() for the bearer guard and guarded by this one instead.
 */
@Injectable()
export class RegistrySecretGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const secret = this.config.images.notifySecret;
    if (!secret)
      throw new ForbiddenException(
        'registry notifications are off: set REGISTRY_NOTIFY_SECRET and send it in the X-Registry-Secret header',
      );
    const given = context.switchToHttp().getRequest<FastifyRequest>().headers[REGISTRY_SECRET_HEADER];
    if (typeof given !== 'string' || !given)
      throw new UnauthorizedException('missing X-Registry-Secret header (the shared secret REGISTRY_NOTIFY_SECRET)');
    // compared as hashes: equal lengths, and no timing hint about the secret
    if (!timingSafeEqual(digest(given), digest(secret))) throw new UnauthorizedException('wrong X-Registry-Secret header');
    return true;
  }
}
