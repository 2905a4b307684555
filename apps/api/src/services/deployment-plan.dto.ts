import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalBooleanFlag } from '../common/validation';
import { DriftItemDto } from './catalog-entry.dto';
import { TaskDto } from './live-service.dto';

/* "Plan before apply": what a change would do, computed without applying it. */

export class DryRunQuery {
  @ApiPropertyOptional({ name: 'dry_run', description: 'answer what would change (a DeploymentPlanDto) and change nothing' })
  @OptionalBooleanFlag()
  dry_run?: boolean;
}

export class DeployCheckVerdictDto {
  @ApiProperty({ enum: ['image', 'placement', 'platform', 'ports'] }) check: string;
  @ApiProperty() ok: boolean;
  @ApiProperty({ example: 'image: "r:5000/web:2" does not exist in the registry r:5000' }) message: string;
}

export class DeploymentPlanDto {
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ example: 'web', description: 'the service, or the node of a drain' }) name: string;
  @ApiProperty({ enum: ['create', 'update', 'unchanged', 'scale', 'stop', 'rollback', 'drain', 'none'] })
  action: 'create' | 'update' | 'unchanged' | 'scale' | 'stop' | 'rollback' | 'drain' | 'none';
  @ApiProperty({ example: 'would update 1 field' }) summary: string;
  @ApiProperty({
    type: [DriftItemDto],
    description: 'field by field, in the drift format of the service page: `definition` is what it would be, `deployed` what it is',
  })
  changes: DriftItemDto[];
  @ApiPropertyOptional({
    type: [DeployCheckVerdictDto],
    description: "a deploy's pre-deploy checks; a refused check means the deploy would be refused",
  })
  checks?: DeployCheckVerdictDto[];
  @ApiPropertyOptional({ type: [TaskDto], description: 'the tasks that would stop or move' })
  tasks?: TaskDto[];
}
