import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard, forbiddenReason, routeAccess } from './auth.guard';
import { AuthService, bearerToken } from './auth.service';
import { Public, RequireRole, roleSatisfies } from './roles';
import { generateToken, hashesEqual, hashToken, tokenMatches } from './token-hash';

class Handlers {
  @RequireRole('operator') deploy() {}
  @Public() health() {}
  forgotten() {}
}

const handler = (name: keyof Handlers) => Handlers.prototype[name];

describe('token hashing', () => {
  it('issues distinct prefixed tokens of 32 random bytes', () => {
    const a = generateToken();
    expect(a).toMatch(/^so_[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 50 }, generateToken)).size).toBe(50);
  });

  it('stores the SHA-256 and matches only the same token', () => {
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(`${token}x`, hashToken(token))).toBe(false);
  });

  it('compares hashes of different or empty length as unequal without throwing', () => {
    expect(hashesEqual('abcd', 'abcdef')).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });
});

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(roleSatisfies('admin', 'operator')).toBe(true);
    expect(roleSatisfies('operator', 'operator')).toBe(true);
    expect(roleSatisfies('viewer', 'operator')).toBe(false);
    expect(roleSatisfies('operator', 'admin')).toBe(false);
  });
});

describe('the guard’s decision', () => {
  const reflector = new Reflector();
  const admin = { name: 'root', role: 'admin' as const };
  const viewer = { name: 'reader', role: 'viewer' as const };

  it('reads public, a role, or nothing from a handler', () => {
    expect(routeAccess(reflector, [handler('health'), Handlers])).toEqual({ kind: 'public' });
    expect(routeAccess(reflector, [handler('deploy'), Handlers])).toEqual({ kind: 'role', role: 'operator' });
    expect(routeAccess(reflector, [handler('forgotten'), Handlers])).toEqual({ kind: 'undeclared' });
  });

  it('refuses a role below the route’s, naming both', () => {
    expect(forbiddenReason({ kind: 'role', role: 'operator' }, viewer, 'POST /x')).toBe(
      'forbidden: needs operator; the token "reader" is viewer',
    );
    expect(forbiddenReason({ kind: 'role', role: 'operator' }, admin, 'POST /x')).toBeNull();
  });

  it('fails closed: a handler without a role is refused even to an admin', () => {
    expect(forbiddenReason({ kind: 'undeclared' }, admin, 'POST /x')).toMatch(/^forbidden: POST \/x declares no required role/);
  });

  describe('AuthGuard', () => {
    const context = (name: keyof Handlers, request: object): ExecutionContext =>
      ({
        getType: () => 'http',
        getHandler: () => handler(name),
        getClass: () => Handlers,
        switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ header: jest.fn() }) }),
      }) as unknown as ExecutionContext;
    const authAs = (principal: object | Error) =>
      ({
        authenticate: jest.fn(async () => (principal instanceof Error ? Promise.reject(principal) : principal)),
      }) as unknown as AuthService;
    const request = { method: 'POST', url: '/x', routeOptions: { url: '/x' } };

    it('lets a public route through without authenticating', async () => {
      const auth = authAs(new UnauthorizedException('missing'));
      await expect(new AuthGuard(reflector, auth).canActivate(context('health', request))).resolves.toBe(true);
      expect(auth.authenticate).not.toHaveBeenCalled();
    });

    it('passes on the 401 of a missing token, then checks the role', async () => {
      await expect(
        new AuthGuard(reflector, authAs(new UnauthorizedException('missing'))).canActivate(context('deploy', request)),
      ).rejects.toBeInstanceOf(UnauthorizedException);
      await expect(new AuthGuard(reflector, authAs(viewer)).canActivate(context('deploy', request))).rejects.toBeInstanceOf(
        ForbiddenException,
      );
      await expect(new AuthGuard(reflector, authAs(admin)).canActivate(context('deploy', request))).resolves.toBe(true);
      await expect(new AuthGuard(reflector, authAs(admin)).canActivate(context('forgotten', request))).rejects.toBeInstanceOf(
        ForbiddenException,
      );
    });
  });
});

describe('bearer header', () => {
  it('reads the token, tells a missing header from a malformed one', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer so_abc' } })).toBe('so_abc');
    expect(bearerToken({ headers: { authorization: 'bearer  so_abc ' } })).toBe('so_abc');
    expect(bearerToken({ headers: {} })).toBeUndefined();
    expect(bearerToken({ headers: { authorization: 'Basic dXNlcjpwdw==' } })).toBe('');
  });
});

describe('AuthFailureLimiter', () => {
  it('blocks after max failures in a row, for blockMs, then lets the address try again', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(3, 60_000, () => now);
    expect([limiter.fail('a'), limiter.fail('a'), limiter.fail('a')]).toEqual([false, false, true]);
    expect(limiter.blockedFor('a')).toBe(60_000);
    expect(limiter.blockedFor('b')).toBe(0);
    now = 59_999;
    expect(limiter.blockedFor('a')).toBe(1);
    now = 60_000;
    expect(limiter.blockedFor('a')).toBe(0);
    expect(limiter.fail('a')).toBe(false);
  });

  it('starts over after a success, and forgets old failures', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(3, 60_000, () => now);
    limiter.fail('a');
    limiter.fail('a');
    limiter.succeed('a');
    expect(limiter.fail('a')).toBe(false);
    expect(limiter.fail('a')).toBe(false);
    now = 120_000;
    expect(limiter.fail('a')).toBe(false);
  });

  it('is off with max 0, and keeps at most `capacity` addresses', () => {
    const off = new AuthFailureLimiter(0, 60_000);
    for (let i = 0; i < 20; i++) expect(off.fail('a')).toBe(false);
    const small = new AuthFailureLimiter(1, 60_000, () => 0, 2);
    small.fail('a');
    small.fail('b');
    small.fail('c');
    expect(small.blockedFor('a')).toBe(0);
    expect(small.blockedFor('c')).toBe(60_000);
  });
});

describe('auth settings', () => {
  const { validateEnvironment } = jest.requireActual<typeof import('../config/environment')>('../config/environment');

  it('defaults to ten failed attempts and no CORS', () => {
    const env = validateEnvironment({});
    expect(env.AUTH_RATE_LIMIT).toBe(10);
    expect(env.CORS_ORIGINS).toBeUndefined();
    expect(env.ADMIN_TOKEN).toBeUndefined();
  });

  it('names each bad variable without printing a secret', () => {
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret', CORS_ORIGINS: 'ops.example', AUTH_RATE_LIMIT: '-1' })).toThrow(
      /ADMIN_TOKEN="\*+": must be at least 16 characters[\s\S]*CORS_ORIGINS="ops.example": must be comma-separated origins[\s\S]*AUTH_RATE_LIMIT="-1": must be 0/,
    );
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
