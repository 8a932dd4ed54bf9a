import type { CursorPage } from '@careloop/contracts';
import { OrgRole, Roles } from '@careloop/security';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { decodeCursor } from '../common/cursor';
import { DEFAULT_PAGE_SIZE } from '../common/list-query.dto';
import { OrgParams } from '../common/route-params';
import type { AuditEntryResponse } from './dto/audit.dto';
import { AuditPageResponse, AuditQueryDto } from './dto/audit.dto';
import { AuditEntriesService } from './audit-entries.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/orgs/:orgId/audit')
export class AuditEntriesController {
  constructor(private readonly auditEntries: AuditEntriesService) {}

  @Get()
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({
    summary: "The organization's audit trail, newest first, filtered by actor, action and time",
  })
  @ApiResponse({ status: 200, type: AuditPageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: AuditQueryDto,
  ): Promise<CursorPage<AuditEntryResponse>> {
    return this.auditEntries.list(params.orgId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
    });
  }
}
