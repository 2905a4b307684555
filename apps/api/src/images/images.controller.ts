import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NOTIFICATION_MEDIA_TYPE } from '@app/registry';
import { Public, RequireRole } from '../auth/roles';
import { ImageUpdates } from './image-updates.service';
import { ImageUsage } from './image-usage.service';
import { ImageUpdateDto } from './image-update.dto';
import { NotificationResultDto, ServiceImageUsageDto } from './images.dto';
import { RegistrySecretGuard } from './registry-secret.guard';

@ApiTags('images')
@Controller()
export class ImagesController {
  constructor(
    private readonly updates: ImageUpdates,
    private readonly usage: ImageUsage,
  ) {}

  /**
   * The Registry v2 notification endpoint (push and delete events). Not a
   * bearer-token route: the registry sends the shared secret REGISTRY_NOTIFY_SECRET
   * in the X-Registry-Secret header. Duplicated or out-of-order events are harmless.
   */
  @Post('api/registry/notifications')
  @Public()
  @UseGuards(RegistrySecretGuard)
  @HttpCode(202)
  @ApiConsumes(NOTIFICATION_MEDIA_TYPE, 'application/json')
  @ApiHeader({ name: 'X-Registry-Secret', required: true, description: 'the shared secret REGISTRY_NOTIFY_SECRET' })
  @ApiBody({ schema: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: { type: 'object' } } } } })
  @ApiAcceptedResponse({ type: NotificationResultDto })
  @ApiUnauthorizedResponse({ description: 'no X-Registry-Secret header, or a wrong one' })
  @ApiForbiddenResponse({ description: 'notifications are off (REGISTRY_NOTIFY_SECRET unset)' })
  receiveRegistryNotification(@Body() body: unknown): Promise<NotificationResultDto> {
    return this.updates.notify(body);
  }

  /** Services whose tag names a newer digest than they run. */
  @Get('api/images/updates')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [ImageUpdateDto] })
  listImageUpdates(): ImageUpdateDto[] {
    return this.updates.list();
  }

  /** Per live service: image, tag, running digest, nodes, whether the registry still holds the digest, pending update. */
  @Get('api/images/usage')
  @RequireRole('viewer')
  @ApiOkResponse({ type: [ServiceImageUsageDto] })
  listImageUsage(): Promise<ServiceImageUsageDto[]> {
    return this.usage.services();
  }
}
