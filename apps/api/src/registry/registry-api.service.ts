import { Injectable } from '@nestjs/common';
import { RegistryClient } from '@app/registry';
import { DeletedTagDto, RepositoryDto, TagDetailsDto, TagSummaryDto, toTagDetailsDto, toTagSummaryDto } from './registry.dto';

const TAG_CONCURRENCY = 8;

/** The registry for the REST API and the MCP tools. */
@Injectable()
export class RegistryApiService {
  constructor(private readonly registry: RegistryClient) {}

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
    return out;
  }

  async getTag(repository: string, tag: string): Promise<TagDetailsDto> {
    return toTagDetailsDto(await this.registry.getTag(repository, tag));
  }

  async deleteTag(repository: string, tag: string): Promise<DeletedTagDto> {
    const { digest } = await this.registry.deleteTag(repository, tag);
    return { repository, tag, digest };
  }

  /** Every repository with its tags (names only): what an agent asks first. */
  async listImages(): Promise<Array<{ repository: string; tags: string[] }>> {
    const repos = await this.registry.listRepositories();
    return Promise.all(repos.map(async (repository) => ({ repository, tags: await this.registry.listTags(repository).catch(() => []) })));
  }
}
