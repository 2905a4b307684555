import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { OptionalBooleanFlag } from '../common/validation';

/* `docker service logs` over REST: the query and one line. */

export class LogsQuery {
  @ApiPropertyOptional({ description: 'lines from the end of each task (default 200)', minimum: 0, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'tail must be a whole number' })
  @Min(0, { message: 'tail must be 0 or more' })
  @Max(10000, { message: 'tail must be at most 10000' })
  tail?: number;

  @ApiPropertyOptional({ description: 'unix seconds or an RFC 3339 time, or a duration like 10m' })
  @IsOptional()
  @IsString()
  @Matches(/^(\d+(\.\d+)?|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})|\d+[smh])$/, {
    message: 'since must be unix seconds, an RFC 3339 time or a duration like 10m',
  })
  since?: string;

  @ApiPropertyOptional() @OptionalBooleanFlag() timestamps?: boolean;

  @ApiPropertyOptional({ description: 'stream new lines as Server-Sent Events' })
  @OptionalBooleanFlag()
  follow?: boolean;
}

export class LogLineDto {
  @ApiPropertyOptional() timestamp?: string;
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream: 'stdout' | 'stderr';
  @ApiPropertyOptional() taskId?: string;
  @ApiPropertyOptional() taskSlot?: number;
  @ApiPropertyOptional() nodeHostname?: string;
  @ApiProperty() message: string;
}
