import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { decodeCursor } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, ListQueryDto } from '../common/list-query.dto';
import { OrgParams, OrgResourceParams } from '../common/route-params';
import { ANY_ORG_ROLE } from '../common/staff-roles';
import {
  CreateSiteDto,
  SitePageResponse,
  SiteResponse,
  UpdateSiteDto,
} from './dto/org-structure.dto';
import type { StructureRecord } from './structure-kinds';
import { SITE } from './structure-kinds';
import { OrgStructureService } from './org-structure.service';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('api/orgs/:orgId/sites')
export class SitesController {
  constructor(private readonly structure: OrgStructureService) {}

  @Post()
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Create a site (org_admin)' })
  @ApiResponse({ status: 201, type: SiteResponse })
  @ApiResponse({ status: 409, description: 'externalId already used by another site' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgParams,
    @Body() body: CreateSiteDto,
  ): Promise<StructureRecord> {
    return this.structure.create(principal, params.orgId, SITE, { ...body });
  }

  @Get()
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'Sites by name, cursor-paginated (any member)' })
  @ApiResponse({ status: 200, type: SitePageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: ListQueryDto,
  ): Promise<CursorPage<StructureRecord>> {
    return this.structure.list(params.orgId, SITE, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
    });
  }

  @Get(':id')
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'One site (any member)' })
  @ApiResponse({ status: 200, type: SiteResponse })
  @ApiResponse({ status: 404 })
  get(@Param() params: OrgResourceParams): Promise<StructureRecord> {
    return this.structure.get(params.orgId, SITE, params.id);
  }

  @Patch(':id')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Change the fields given; null clears an optional one (org_admin)' })
  @ApiResponse({ status: 200, type: SiteResponse })
  @ApiResponse({ status: 404 })
  @ApiResponse({ status: 409, description: 'externalId already used by another site' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
    @Body() body: UpdateSiteDto,
  ): Promise<StructureRecord> {
    return this.structure.update(principal, params.orgId, SITE, params.id, { ...body });
  }

  @Delete(':id')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a site (org_admin)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404 })
  @ApiResponse({ status: 409, description: 'The site still has departments' })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
  ): Promise<void> {
    return this.structure.remove(principal, params.orgId, SITE, params.id);
  }
}
