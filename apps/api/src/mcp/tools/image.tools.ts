import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { ImageUpdates } from '../../images/image-updates.service';
import { imageUpdate, listOf, readTool } from './tool-schemas';

/** The image lifecycle for agents: the same ImageUpdates the REST API reads. */
@Injectable()
export class ImageTools {
  constructor(private readonly updates: ImageUpdates) {}

  @McpTool(
    readTool({
      name: 'list_image_updates',
      description:
        "Services whose image tag now names a newer digest in the registry than the one they run: running and available digests, when it was pushed, the service's x-update policy (off, notify, redeploy) and the state of an automatic redeploy. redeploy_service rolls one there.",
      input: z.object({}).strict(),
      output: listOf('updates', imageUpdate),
      title: 'List image updates',
    }),
  )
  async listImageUpdates() {
    return { updates: await this.updates.fresh() };
  }
}
