import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

export class NotificationResultDto {
  @ApiProperty({ description: 'manifest pushes and deletes taken into account' }) accepted: number;
  @ApiProperty({ description: 'events of the envelope that are not manifest pushes or deletes (pulls, blobs)' }) ignored: number;
}

export class NodeTasksDto {
  @ApiProperty() node: string;
  @ApiProperty({ description: 'running tasks of the service on the node' }) tasks: number;
}

export class ServiceImageUsageDto {
  @ApiProperty() service: string;
  @ApiPropertyOptional() stack?: string;
  @ApiProperty({ description: 'the image without its digest' }) image: string;
  @ApiPropertyOptional({ description: 'set when the image is on the configured registry' }) repository?: string;
  @ApiPropertyOptional() tag?: string;
  @ApiPropertyOptional({ description: 'the digest the service runs' }) digest?: string;
  @ApiProperty({ type: [NodeTasksDto], description: 'where its tasks run' }) nodes: NodeTasksDto[];
  @ApiPropertyOptional({
    description: 'whether the running digest still exists in the registry (unset: not on the configured registry, or unknown)',
  })
  inRegistry?: boolean;
  @ApiPropertyOptional({ type: ImageUpdateDto }) update?: ImageUpdateDto;
}

export class TagUserDto {
  @ApiProperty() service: string;
  @ApiPropertyOptional() stack?: string;
  @ApiProperty({ type: [String], description: 'nodes its running tasks are on' }) nodes: string[];
}
