import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { RegistryClient } from '@app/registry';
import { shortDigest } from '../images/image-ref';
import { ImageUsage } from '../images/image-usage.service';
import { DeletedTagDto, RepositoryDto, TagDetailsDto, TagSummaryDto, toTagDetailsDto, toTagSummaryDto } from './registry.dto';

const TAG_CONCURRENCY = 8;
/** What a delete answer says about space: a registry frees blobs only in its garbage collection. */
export const GARBAGE_COLLECTION_NOTE =
  "the manifest is deleted; the space comes back only after the registry's garbage collection (registry garbage-collect --delete-untagged <config.yml>, with the registry stopped or read-only; see the README)";

/** The registry for the REST API and the MCP tools. */
@Injectable()
export class RegistryApiService {
  constructor(
    private readonly registry: RegistryClient,
    private readonly usage: ImageUsage,
  ) {}

  async listRepositories(q?: string): Promise<RepositoryDto[]> {
    const names = await this.registry.listRepositories();
    return names.filter((n) => !q || n.includes(q)).map((name) => ({ name }));
  }

  /** Each tag with digest, size, platforms and created time (manifests come from the digest cache after the first time). */
  async listTags(repository: string): Promise<TagSummaryDto[]> {
    const tags = await this.registry.listTags(repository);
    const out: TagSummaryDto[] = new Array(tags.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < tags.length; i = next++) out[i] = toTagSummaryDto(await this.registry.getTag(repository, tags[i]));
    };
    await Promise.all(Array.from({ length: Math.min(TAG_CONCURRENCY, tags.length) }, worker));
    const users = await this.usage.usersOf(repository, [...new Set(out.map((t) => t.digest))]).catch(() => undefined);
    if (users) for (const t of out) t.usedBy = users.get(t.digest) ?? [];
    return out;
  }

  async getTag(repository: string, tag: string): Promise<TagDetailsDto> {
    return toTagDetailsDto(await this.registry.getTag(repository, tag));
  }

  /**
   * A registry deletes by digest: every tag on it goes, and a service running
   * it can no longer start a task on a node without the image. So a tag whose
   * digest a running service uses, or other tags share, is refused (409 naming
   * them) unless `force`.
   */
  async deleteTag(repository: string, tag: string, force = false): Promise<DeletedTagDto> {
    const digest = await this.registry.tagDigest(repository, tag);
    if (!digest) throw new DomainError('NOT_FOUND', `tag "${repository}:${tag}" not found in the registry`);
    const [users, sharing] = await Promise.all([
      this.usage.usersOf(repository, [digest]).then((m) => m.get(digest) ?? []),
      this.tagsOn(repository, digest).then((tags) => tags.filter((t) => t !== tag)),
    ]);
    if (!force && (users.length || sharing.length)) {
      const reasons = [
        ...(users.length
          ? [
              `running service(s) use it: ${users.map((u) => `"${u.service}"${u.nodes.length ? ` (on ${u.nodes.join(', ')})` : ''}`).join(', ')}`,
            ]
          : []),
        ...(sharing.length
          ? [`other tags name the same digest and would be deleted too: ${sharing.map((t) => `"${repository}:${t}"`).join(', ')}`]
          : []),
      ];
      throw new DomainError(
        'CONFLICT',
        `"${repository}:${tag}" (${shortDigest(digest)}) was kept: ${reasons.join('; ')}; delete with force=true to go ahead`,
      );
    }
    await this.registry.deleteTag(repository, digest);
    return {
      repository,
      tag,
      digest,
      alsoDeletedTags: sharing,
      servicesUsingIt: users.map((u) => u.service),
      note: GARBAGE_COLLECTION_NOTE,
    };
  }

  /** The tags of a repository that name `digest` now. */
  private async tagsOn(repository: string, digest: string): Promise<string[]> {
    const tags = await this.registry.listTags(repository);
    const digests = await Promise.all(tags.map((t) => this.registry.tagDigest(repository, t).catch(() => null)));
    return tags.filter((_, i) => digests[i] === digest);
  }

  /** Every repository with its tags (names only): what an agent asks first. */
  async listImages(): Promise<Array<{ repository: string; tags: string[] }>> {
    const repos = await this.registry.listRepositories();
    return Promise.all(repos.map(async (repository) => ({ repository, tags: await this.registry.listTags(repository).catch(() => []) })));
  }
}
