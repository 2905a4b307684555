import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/* A service's pending image update: its own file, which imports nothing of the app, so the services' DTOs can carry it. */

export const UPDATE_POLICIES = ['off', 'notify', 'redeploy'] as const;
export type UpdatePolicy = (typeof UPDATE_POLICIES)[number];

export class RedeployStateDto {
  @ApiProperty({ enum: ['pending', 'running', 'converged', 'rolled-back', 'failed'] }) state:
    'pending' | 'running' | 'converged' | 'rolled-back' | 'failed';
  @ApiProperty() at: string;
  @ApiPropertyOptional({ description: 'why a redeploy failed, and what was done' }) message?: string;
  @ApiPropertyOptional({ description: 'the deploy history entry' }) historyId?: number;
}

export class ImageUpdateDto {
  @ApiProperty({ example: 'web' }) service: string;
  @ApiPropertyOptional({ description: 'the stack the service belongs to' }) stack?: string;
  @ApiProperty({ example: 'mini2:5000/team/web:1.4', description: 'the image reference the service follows (no digest)' }) image: string;
  @ApiProperty({ example: 'team/web' }) repository: string;
  @ApiProperty({ example: '1.4' }) tag: string;
  @ApiProperty({ example: 'sha256:…', description: 'the digest the service runs' }) currentDigest: string;
  @ApiProperty({ example: 'sha256:…', description: 'the digest the tag resolves to now' }) availableDigest: string;
  @ApiProperty({ description: 'when it was pushed, from the registry notification; else when the app first saw it' }) pushedAt: string;
  @ApiProperty({ enum: UPDATE_POLICIES, description: "the service definition's x-update (notify for a service outside the catalog)" })
  policy: UpdatePolicy;
  @ApiProperty({ example: 'update available: 0123456789ab → ba9876543210, pushed 2026-11-30T09:00:00.000Z' }) summary: string;
  @ApiPropertyOptional({ type: RedeployStateDto }) redeploy?: RedeployStateDto;
}

/** The `imageUpdate` field of the service answers (catalog, live, stack services). */
export const IMAGE_UPDATE_PROPERTY = {
  type: ImageUpdateDto,
  description:
    'set when the tag the service runs names a newer digest in the registry: the running (currentDigest) and the new (availableDigest) digest, when it was pushed, the tag',
};

/** The `imageNotFollowed` field of the service answers. */
export const IMAGE_NOT_FOLLOWED_PROPERTY = {
  example: 'pinned by digest (0123456789ab): not followed',
  description:
    'why the image is not checked for updates (pinned by digest, on another registry, no registry configured); absent when it is followed',
};
