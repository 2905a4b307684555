import { DomainError } from '@app/common';
import { nextLink, parseChallenge } from './registry-auth';
import type { RegistryOptions } from './registry.options';

type Json = Record<string, any>;

/**
 * The registry's HTTP: one request with the timeout and auth (basic, or a
 * bearer token through the registry's challenge, cached per scope), paging by
 * the Link header, and the registry's errors as domain errors.
 */
export class RegistryHttp {
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(private readonly options: RegistryOptions) {}

  async paginate(first: string, field: string, what: string): Promise<string[]> {
    const all: string[] = [];
    let path: string | undefined = first;
    for (let page = 0; path && page < 10_000; page++) {
      const res = await this.request(path, {}, what);
      const body = (await res.json()) as Json;
      all.push(...((body[field] as string[] | null) ?? []));
      path = nextLink(res.headers.get('link'));
    }
    return all;
  }

  /** One HTTP request with auth (basic, or bearer through the challenge) and the timeout; errors become domain errors. */
  async request(path: string, init: RequestInit, what: string, allow: number[] = []): Promise<Response> {
    const base = this.options.url;
    if (!base) throw new DomainError('UNAVAILABLE', 'no registry configured (set REGISTRY_URL)');
    const url = new URL(path, base).toString();
    const send = async (authorization?: string, retried = false): Promise<Response> => {
      try {
        return await fetch(url, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
          signal: AbortSignal.timeout(this.options.timeoutMs),
          redirect: 'follow',
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        // a kept-alive socket the registry closed meanwhile: one fresh try tells the real state
        if (!retried && (cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET')) return send(authorization, true);
        const reason = cause === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : cause;
        throw new DomainError('UNAVAILABLE', `the registry at ${base} is unreachable: ${reason}`, undefined, { cause: err });
      }
    };
    const scopeKey = path.split('/').slice(2, -2).join('/') || 'registry';
    let res = await send(this.cachedAuth(scopeKey));
    if (res.status === 401) {
      res = await send(
        await this.authorize(res.headers.get('www-authenticate'), scopeKey, init.method === 'DELETE' ? 'pull,push,delete' : 'pull'),
      );
    }
    if (res.ok || allow.includes(res.status)) return res;
    const body = await res.text().catch(() => '');
    const detail = extractError(body);
    switch (res.status) {
      case 404:
        throw new DomainError('NOT_FOUND', `${what} not found in the registry`);
      case 401:
      case 403:
        throw new DomainError(
          'FORBIDDEN',
          `the registry refused access to ${what}${detail ? `: ${detail}` : ''} (check REGISTRY_USERNAME / REGISTRY_PASSWORD)`,
        );
      case 400:
        throw new DomainError('INVALID', `the registry rejected the request for ${what}${detail ? `: ${detail}` : ''}`);
      default:
        throw new DomainError('UNAVAILABLE', `the registry answered ${res.status} for ${what}${detail ? `: ${detail}` : ''}`);
    }
  }

  private cachedAuth(scope: string): string | undefined {
    const t = this.tokens.get(scope);
    if (t && t.expires > Date.now()) return `Bearer ${t.token}`;
    return this.basic();
  }

  private basic(): string | undefined {
    const { username, password } = this.options;
    return username ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
  }

  private async authorize(header: string | null, repository: string, actions: string): Promise<string | undefined> {
    const challenge = parseChallenge(header);
    if (!challenge) return this.basic();
    if (challenge.scheme === 'basic') return this.basic();
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return undefined;
    const tokenUrl = new URL(challenge.params.realm);
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    const scope = challenge.params.scope ?? (repository === 'registry' ? 'registry:catalog:*' : `repository:${repository}:${actions}`);
    tokenUrl.searchParams.set('scope', scope);
    try {
      const res = await fetch(tokenUrl, {
        headers: this.basic() ? { authorization: this.basic()! } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!res.ok)
        throw new DomainError(
          'FORBIDDEN',
          `the registry's token service refused ${scope} (${res.status}); check REGISTRY_USERNAME / REGISTRY_PASSWORD`,
        );
      const body = (await res.json()) as Json;
      const token = body.token ?? body.access_token;
      this.tokens.set(repository, { token, expires: Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000 });
      return `Bearer ${token}`;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new DomainError('UNAVAILABLE', `the registry's token service ${tokenUrl.origin} is unreachable`, undefined, { cause: err });
    }
  }
}

function extractError(body: string): string {
  try {
    const j = JSON.parse(body) as Json;
    return (j.errors as Json[] | undefined)?.map((e) => e.message ?? e.code).join('; ') ?? '';
  } catch {
    return body.slice(0, 200);
  }
}
