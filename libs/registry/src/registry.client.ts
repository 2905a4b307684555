import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { RegistryHttp } from './registry-http';
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
  private readonly http: RegistryHttp;

  constructor(@Inject(REGISTRY_OPTIONS) private readonly options: RegistryOptions) {
    this.http = new RegistryHttp(options);
  }

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
    await this.http.request('/v2/', {}, 'the registry');
  }

  async listRepositories(): Promise<string[]> {
    return this.http.paginate(`/v2/_catalog?n=${PAGE}`, 'repositories', 'the repository list');
  }

  async listTags(repository: string): Promise<string[]> {
    this.checkRepository(repository);
    const tags = await this.http.paginate(`/v2/${repository}/tags/list?n=${PAGE}`, 'tags', `repository "${repository}"`);
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
      const head = await this.http.request(
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
    const head = await this.http.request(
      `/v2/${repository}/manifests/${tag}`,
      { method: 'HEAD', headers: { accept: ACCEPT } },
      `tag "${repository}:${tag}"`,
    );
    const digest = head.headers.get('docker-content-digest');
    if (!digest) throw new DomainError('UNAVAILABLE', `the registry gave no digest for "${repository}:${tag}"`);
    const res = await this.http.request(`/v2/${repository}/manifests/${digest}`, { method: 'DELETE' }, `tag "${repository}:${tag}"`, [405]);
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
    const res = await this.http.request(
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
    const res = await this.http.request(`/v2/${repository}/blobs/${digest}`, {}, `blob ${digest} of "${repository}"`);
    const json = (await res.json()) as Json;
    this.remember(`b:${digest}`, json);
    return json;
  }

  private remember(key: string, value: Json): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, value);
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
