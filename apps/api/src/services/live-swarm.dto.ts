import { ApiProperty } from '@nestjs/swagger';
import { CatalogServiceDto } from './catalog-entry.dto';

/* What the live routes answer when they change a service made outside the catalog. */

export class LiveRemoveResultDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiProperty({ description: 'true: the swarm no longer runs it' }) removed: boolean;
}

export class LiveImportResultDto {
  @ApiProperty({ example: 'web' }) name: string;
  @ApiProperty({ type: CatalogServiceDto, description: 'the new catalog entry, deployed' }) service: CatalogServiceDto;
  @ApiProperty({
    type: [String],
    example: ['TaskTemplate.ContainerSpec.Secrets'],
    description: 'fields of the live spec a definition cannot carry: the next deploy of the definition drops them',
  })
  ignored: string[];
}
