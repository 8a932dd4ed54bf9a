import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { decodeCursor } from '../common/cursor';
import { DEFAULT_PAGE_SIZE } from '../common/list-query.dto';
import { OrgParams, OrgResourceParams } from '../common/route-params';
import { ANY_ORG_ROLE } from '../common/staff-roles';
import {
  CreateDepartmentDto,
  DepartmentPageResponse,
  DepartmentResponse,
  UpdateDepartmentDto,
  DepartmentListQueryDto,
} from './dto/org-structure.dto';
import type { StructureRecord } from './structure-kinds';
import { DEPARTMENT } from './structure-kinds';
import { OrgStructureService } from './org-structure.service';

@ApiTags('departments')
@ApiBearerAuth()
@Controller('api/orgs/:orgId/departments')
export class DepartmentsController {
  constructor(private readonly structure: OrgStructureService) {}

  @Post()
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Create a department (org_admin)' })
  @ApiResponse({ status: 201, type: DepartmentResponse })
  @ApiResponse({ status: 409, description: 'externalId already used by another department' })
  @ApiResponse({ status: 422, description: 'siteId names no site of this organization' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgParams,
    @Body() body: CreateDepartmentDto,
  ): Promise<StructureRecord> {
    return this.structure.create(principal, params.orgId, DEPARTMENT, { ...body });
  }

  @Get()
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'Departments by name, cursor-paginated (any member)' })
  @ApiResponse({ status: 200, type: DepartmentPageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: DepartmentListQueryDto,
  ): Promise<CursorPage<StructureRecord>> {
    return this.structure.list(
      params.orgId,
      DEPARTMENT,
      {
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
      },
      query.siteId ? { siteId: query.siteId } : {},
    );
  }

  @Get(':id')
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'One department (any member)' })
  @ApiResponse({ status: 200, type: DepartmentResponse })
  @ApiResponse({ status: 404 })
  get(@Param() params: OrgResourceParams): Promise<StructureRecord> {
    return this.structure.get(params.orgId, DEPARTMENT, params.id);
  }

  @Patch(':id')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Change the fields given; null clears an optional one (org_admin)' })
  @ApiResponse({ status: 200, type: DepartmentResponse })
  @ApiResponse({ status: 404 })
  @ApiResponse({ status: 409, description: 'externalId already used by another department' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
    @Body() body: UpdateDepartmentDto,
  ): Promise<StructureRecord> {
    return this.structure.update(principal, params.orgId, DEPARTMENT, params.id, { ...body });
  }

  @Delete(':id')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a department (org_admin)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404 })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
  ): Promise<void> {
    return this.structure.remove(principal, params.orgId, DEPARTMENT, params.id);
  }
}
