import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { DeploymentPlanDto } from '../services/deployment-plan.dto';
import { ConvergenceDto, DeployQuery } from '../services/deployment.dto';
import { ImageUpdateDto } from './image-update.dto';

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

/** The digests a redeploy moves between, in its plan and in its result. */
class RedeployTargetDto {
  @ApiProperty({ example: 'busybox', description: 'the repository on the configured registry' }) repository: string;
  @ApiProperty({ example: '1.0', description: 'the tag the definition names' }) tag: string;
  @ApiPropertyOptional({ example: 'sha256:…', description: 'the digest the service ran' }) fromDigest?: string;
  @ApiProperty({ example: 'sha256:…', description: 'the digest the tag names now' }) toDigest: string;
}

export class RedeployResultDto extends RedeployTargetDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiProperty({
    enum: ['redeployed', 'unchanged', 'rolled-back', 'failed'],
    description: 'unchanged: it already ran that digest; rolled-back: it did not converge and runs the previous spec again',
  })
  outcome: 'redeployed' | 'unchanged' | 'rolled-back' | 'failed';
  @ApiProperty({ example: 'redeployed 0123456789ab → ba9876543210: 1/1 replicas running, stable for 5 s' }) message: string;
  @ApiPropertyOptional({ description: 'the deploy history entry' }) historyId?: number;
  @ApiPropertyOptional({ type: ConvergenceDto }) convergence?: ConvergenceDto;
}

/** A redeploy's dry run: the deploy plan, with the digests it moves between. */
export class RedeployPlanDto extends IntersectionType(DeploymentPlanDto, RedeployTargetDto) {}

/** `dry_run`, and how long to wait for convergence before rolling back. */
export class RedeployQuery extends PickType(DeployQuery, ['dry_run', 'timeout'] as const) {}
