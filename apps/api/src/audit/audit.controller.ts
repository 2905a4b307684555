import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/roles';
import { AuditPageDto, AuditQuery, toAuditEntryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Every mutating REST and MCP call, newest first; searched and filtered in the database, then paged. */
  @Get()
  @RequireRole('admin')
  @ApiOkResponse({ type: AuditPageDto })
  async listAuditEntries(@Query() { limit, offset, q, actor, action, outcome }: AuditQuery): Promise<AuditPageDto> {
    const page = await this.audit.list(limit, offset, { q, actor, action, outcome });
    return { total: page.total, limit, offset, entries: page.entries.map(toAuditEntryDto) };
  }
}
