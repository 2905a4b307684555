import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class AlertIdParams {
  @ApiProperty({ example: 12 })
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  id: number;
}

export class MuteIdParams extends AlertIdParams {}

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ['firing', 'resolved'], description: 'only firing or only resolved alerts in `alerts`' })
  @IsOptional()
  @IsIn(['firing', 'resolved'], { message: 'must be firing or resolved' })
  state?: 'firing' | 'resolved';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(0)
  offset: number = 0;
}

export class AlertHistoryQuery extends AlertsQuery {}
