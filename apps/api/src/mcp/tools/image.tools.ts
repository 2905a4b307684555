import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { ImageUpdates } from '../../images/image-updates.service';
import { listOf } from './tool-schemas';

const update = z
  .object({
    service: z.string(),
    image: z.string(),
    currentDigest: z.string(),
    availableDigest: z.string(),
    pushedAt: z.string(),
    policy: z.string(),
    summary: z.string(),
  })
  .passthrough();

/** The image lifecycle for agents: the same ImageUpdates the REST API reads. */
@Injectable()
export class ImageTools {
  constructor(private readonly updates: ImageUpdates) {}

  @McpTool({
    name: 'list_image_updates',
    description:
      "Services whose image tag now names a newer digest in the registry than the one they run: running and available digests, when it was pushed, the service's x-update policy (off, notify, redeploy) and the state of an automatic redeploy.",
    input: z.object({}).strict(),
    output: listOf('updates', update),
    annotations: { title: 'List image updates', readOnlyHint: true, idempotentHint: true },
    role: 'viewer',
  })
  async listImageUpdates() {
    return { updates: await this.updates.fresh() };
  }
}
