import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { PagingQuery } from '../common/paging.dto';

export class AlertIdParams {
  @ApiProperty({ example: 12 })
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  id: number;
}

export class MuteIdParams extends AlertIdParams {}

/** Paging as every list route has it (`limit`, `offset`), and which alerts. */
export class AlertsQuery extends PagingQuery {
  @ApiPropertyOptional({ enum: ['firing', 'resolved'], description: 'only firing or only resolved alerts in `alerts`' })
  @IsOptional()
  @IsIn(['firing', 'resolved'], { message: 'must be firing or resolved' })
  state?: 'firing' | 'resolved';
}

export class AlertHistoryQuery extends AlertsQuery {}
