import { Injectable } from '@nestjs/common';
import { RegistryClient } from '@app/registry';
import { followedTag } from './image-ref';
import type { ImageUpdateDto } from './image-update.dto';

/** What a service answer says about its image: the pending update, or why the image is not followed. */
export interface ImageUpdateFields {
  imageUpdate?: ImageUpdateDto;
  imageNotFollowed?: string;
}

/**
 * The image updates known right now, by service name: written by the images
 * module's ImageUpdates, read by the services and stacks answers. Its own
 * small module, so that both sides import it and neither imports the other.
 */
@Injectable()
export class ImageUpdateState {
  private readonly updates = new Map<string, ImageUpdateDto>();
  private refresher?: () => Promise<void>;

  constructor(private readonly registry: RegistryClient) {}

  get(service: string): ImageUpdateDto | undefined {
    return this.updates.get(service);
  }

  list(): ImageUpdateDto[] {
    return [...this.updates.values()].sort((a, b) => a.service.localeCompare(b.service));
  }

  entries(): IterableIterator<[string, ImageUpdateDto]> {
    return this.updates.entries();
  }

  set(update: ImageUpdateDto): void {
    this.updates.set(update.service, update);
  }

  delete(service: string): void {
    this.updates.delete(service);
  }

  /** The evaluator registers how to look again, for processes without its background loop (the stdio MCP server). */
  onRefresh(refresh: () => Promise<void>): void {
    this.refresher = refresh;
  }

  /** Up to date enough to answer: evaluates first where nothing evaluates in the background. */
  async refresh(): Promise<void> {
    await this.refresher?.();
  }

  /** The fields of a live service's answer; nothing for a service that is not deployed. */
  fieldsFor(live: { name: string; image: string; imageDigest?: string } | undefined): ImageUpdateFields {
    if (!live) return {};
    const update = this.updates.get(live.name);
    if (update) return { imageUpdate: update };
    const followed = followedTag(live.image, live.imageDigest, this.registry.host);
    return 'reason' in followed ? { imageNotFollowed: followed.reason } : {};
  }
}
