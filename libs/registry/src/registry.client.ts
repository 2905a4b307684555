import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { nextLink, parseChallenge } from './registry-auth';
import { REGISTRY_OPTIONS, RegistryOptions } from './registry.options';
import type { LayerInfo, Platform, ResolvedImage, TagDetails } from './registry.types';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;
const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');
const PAGE = 100;
const CACHE_LIMIT = 5000;
const REPO_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

type Json = Record<string, any>;

/**
 * The only code that talks to a Docker Registry (HTTP API v2). Every call is
 * bounded by the timeout; manifests and config blobs are cached by digest,
 * since a digest's content never changes.
 */
@Injectable()
export class RegistryClient {
  private readonly cache = new Map<string, Json>();
  private tokens = new Map<string, { token: string; expires: number }>();

  constructor(@Inject(REGISTRY_OPTIONS) private readonly options: RegistryOptions) {}

  get url(): string | undefined {
    return this.options.url;
  }

  /** host:port of the configured registry, as image references name it. */
  get host(): string | undefined {
    return this.options.url ? new URL(this.options.url).host : undefined;
  }

  /** Does this image reference point at the configured registry? */
  isConfiguredRegistry(reference: string): boolean {
    const host = this.host;
    return !!host && reference.startsWith(`${host}/`);
  }

  async ping(): Promise<void> {
    await this.request('/v2/', {}, 'the registry');
  }

  async listRepositories(): Promise<string[]> {
    return this.paginate(`/v2/_catalog?n=${PAGE}`, 'repositories', 'the repository list');
  }

  async listTags(repository: string): Promise<string[]> {
    this.checkRepository(repository);
    const tags = await this.paginate(`/v2/${repository}/tags/list?n=${PAGE}`, 'tags', `repository "${repository}"`);
    return tags.sort();
  }

  async getTag(repository: string, tag: string): Promise<TagDetails> {
    this.checkRepository(repository);
    this.checkTag(tag);
    const { manifest, digest, mediaType } = await this.manifest(repository, tag);
    const isIndex = Array.isArray(manifest.manifests);
    if (isIndex) {
      const entries = (manifest.manifests as Json[]).map((m) => ({
        digest: m.digest,
        mediaType: m.mediaType,
        size: m.size,
        platform: m.platform ? toPlatform(m.platform) : undefined,
      }));
      const images = entries.filter((e) => e.platform && e.platform.os !== 'unknown');
      const children = await Promise.all(
        images.map((e) =>
          this.manifest(repository, e.digest)
            .then((c) => ({ e, c }))
            .catch(() => undefined),
        ),
      );
      const size = children.reduce((sum, c) => sum + (c ? imageSize(c.c.manifest) : 0), 0);
      const firstConfig = children.find((c) => c)?.c.manifest.config;
      const config = firstConfig ? await this.blobJson(repository, firstConfig.digest).catch(() => undefined) : undefined;
      return {
        repository,
        tag,
        digest,
        mediaType,
        size,
        platforms: images.map((e) => e.platform!),
        created: config?.created,
        labels: config?.config?.Labels ?? {},
        layers: [],
        manifests: entries,
      };
    }
    const config = manifest.config ? await this.blobJson(repository, manifest.config.digest) : {};
    return {
      repository,
      tag,
      digest,
      mediaType,
      size: imageSize(manifest),
      platforms: [toPlatform(config)],
      created: config.created,
      labels: config.config?.Labels ?? {},
      config: manifest.config ? { digest: manifest.config.digest, size: manifest.config.size } : undefined,
      layers: (manifest.layers ?? []).map((l: Json): LayerInfo => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
    };
  }

  /** The digest a tag resolves to now (one HEAD), or null when the repository or tag is absent. */
  async tagDigest(repository: string, tag: string): Promise<string | null> {
    this.checkRepository(repository);
    this.checkTag(tag);
    try {
      const head = await this.request(
        `/v2/${repository}/manifests/${tag}`,
        { method: 'HEAD', headers: { accept: ACCEPT } },
        `tag "${repository}:${tag}"`,
      );
      return head.headers.get('docker-content-digest');
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /** Whether the registry still holds a manifest (one HEAD); a deleted one answers false. */
  async hasManifest(repository: string, digest: string): Promise<boolean> {
    return (await this.tagDigest(repository, digest)) !== null;
  }

  /** Deletes a tag by deleting the manifest its digest names (the registry's only way). */
  async deleteTag(repository: string, tag: string): Promise<{ digest: string }> {
    this.checkRepository(repository);
    this.checkTag(tag);
    const head = await this.request(
      `/v2/${repository}/manifests/${tag}`,
      { method: 'HEAD', headers: { accept: ACCEPT } },
      `tag "${repository}:${tag}"`,
    );
    const digest = head.headers.get('docker-content-digest');
    if (!digest) throw new DomainError('UNAVAILABLE', `the registry gave no digest for "${repository}:${tag}"`);
    const res = await this.request(`/v2/${repository}/manifests/${digest}`, { method: 'DELETE' }, `tag "${repository}:${tag}"`, [405]);
    if (res.status === 405) {
      throw new DomainError(
        'FORBIDDEN',
        `the registry does not allow deletes (start it with storage.delete.enabled: true); "${repository}:${tag}" was kept`,
      );
    }
    return { digest };
  }

  /**
   * What the deploy checks need: the digest and platforms of an image
   * reference on this registry, or null when the repository or tag is absent.
   */
  async resolveImage(reference: string): Promise<ResolvedImage | null> {
    const host = this.host;
    if (!host || !reference.startsWith(`${host}/`))
      throw new DomainError('INVALID', `"${reference}" does not name the configured registry ${host ?? '(none)'}`);
    const rest = reference.slice(host.length + 1);
    const at = rest.indexOf('@');
    const nameTag = at >= 0 ? rest.slice(0, at) : rest;
    const colon = nameTag.lastIndexOf(':');
    const repository = colon > 0 ? nameTag.slice(0, colon) : nameTag;
    const ref = at >= 0 ? rest.slice(at + 1) : colon > 0 ? nameTag.slice(colon + 1) : 'latest';
    try {
      const details = await this.getTag(repository, ref.startsWith('sha256:') ? ref : ref);
      return { digest: details.digest, platforms: details.platforms };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  private async manifest(repository: string, reference: string): Promise<{ manifest: Json; digest: string; mediaType: string }> {
    const cached = reference.startsWith('sha256:') ? this.cache.get(`m:${reference}`) : undefined;
    if (cached) return cached as { manifest: Json; digest: string; mediaType: string };
    const res = await this.request(
      `/v2/${repository}/manifests/${reference}`,
      { headers: { accept: ACCEPT } },
      reference.startsWith('sha256:') ? `manifest ${reference} of "${repository}"` : `tag "${repository}:${reference}"`,
    );
    const manifest = (await res.json()) as Json;
    const digest = res.headers.get('docker-content-digest') ?? reference;
    const mediaType = manifest.mediaType ?? res.headers.get('content-type') ?? '';
    const entry = { manifest, digest, mediaType };
    this.remember(`m:${digest}`, entry);
    return entry;
  }

  private async blobJson(repository: string, digest: string): Promise<Json> {
    const cached = this.cache.get(`b:${digest}`);
    if (cached) return cached;
    const res = await this.request(`/v2/${repository}/blobs/${digest}`, {}, `blob ${digest} of "${repository}"`);
    const json = (await res.json()) as Json;
    this.remember(`b:${digest}`, json);
    return json;
  }

  private remember(key: string, value: Json): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, value);
  }

  private async paginate(first: string, field: string, what: string): Promise<string[]> {
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
  private async request(path: string, init: RequestInit, what: string, allow: number[] = []): Promise<Response> {
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

  private checkRepository(name: string): void {
    if (!REPO_NAME.test(name) || name.length > 255)
      throw new DomainError('INVALID', `repository "${name}" is not a valid repository name (lowercase path components separated by "/")`);
  }

  private checkTag(tag: string): void {
    if (!TAG.test(tag) && !/^sha256:[a-f0-9]{64}$/.test(tag)) throw new DomainError('INVALID', `tag "${tag}" is not a valid tag`);
  }
}

function toPlatform(p: Json): Platform {
  return { os: p.os ?? 'unknown', architecture: p.architecture ?? 'unknown', ...(p.variant ? { variant: p.variant } : {}) };
}

function imageSize(manifest: Json): number {
  return (manifest.config?.size ?? 0) + ((manifest.layers ?? []) as Json[]).reduce((s, l) => s + (l.size ?? 0), 0);
}

function extractError(body: string): string {
  try {
    const j = JSON.parse(body) as Json;
    return (j.errors as Json[] | undefined)?.map((e) => e.message ?? e.code).join('; ') ?? '';
  } catch {
    return body.slice(0, 200);
  }
}
