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
  CreateProviderDto,
  ProviderPageResponse,
  ProviderResponse,
  UpdateProviderDto,
} from './dto/org-structure.dto';
import type { StructureRecord } from './structure-kinds';
import { PROVIDER } from './structure-kinds';
import { OrgStructureService } from './org-structure.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('api/orgs/:orgId/providers')
export class ProvidersController {
  constructor(private readonly structure: OrgStructureService) {}

  @Post()
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Create a provider (org_admin)' })
  @ApiResponse({ status: 201, type: ProviderResponse })
  @ApiResponse({ status: 409, description: 'externalId already used by another provider' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgParams,
    @Body() body: CreateProviderDto,
  ): Promise<StructureRecord> {
    return this.structure.create(principal, params.orgId, PROVIDER, { ...body });
  }

  @Get()
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'Providers by name, cursor-paginated (any member)' })
  @ApiResponse({ status: 200, type: ProviderPageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: ListQueryDto,
  ): Promise<CursorPage<StructureRecord>> {
    return this.structure.list(params.orgId, PROVIDER, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
    });
  }

  @Get(':id')
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'One provider (any member)' })
  @ApiResponse({ status: 200, type: ProviderResponse })
  @ApiResponse({ status: 404 })
  get(@Param() params: OrgResourceParams): Promise<StructureRecord> {
    return this.structure.get(params.orgId, PROVIDER, params.id);
  }

  @Patch(':id')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Change the fields given; null clears an optional one (org_admin)' })
  @ApiResponse({ status: 200, type: ProviderResponse })
  @ApiResponse({ status: 404 })
  @ApiResponse({ status: 409, description: 'externalId already used by another provider' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
    @Body() body: UpdateProviderDto,
  ): Promise<StructureRecord> {
    return this.structure.update(principal, params.orgId, PROVIDER, params.id, { ...body });
  }

  @Delete(':id')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a provider (org_admin)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404 })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgResourceParams,
  ): Promise<void> {
    return this.structure.remove(principal, params.orgId, PROVIDER, params.id);
  }
}
