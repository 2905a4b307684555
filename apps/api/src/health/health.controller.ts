import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles';
import { LivenessDto } from './health.dto';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  private readonly startedAt = Date.now();

  /** Liveness only: answers without calling Docker, so it stays up when Docker is down. */
  @Get()
  @Public()
  @ApiOkResponse({ type: LivenessDto })
  liveness(): LivenessDto {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }
}
