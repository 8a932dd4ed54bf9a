import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, ListQueryDto } from '../common/list-query.dto';
import { decodeCursor } from '../common/cursor';
import { OrgMemberParams, OrgParams } from '../common/route-params';
import type { MemberResponse } from './dto/membership.dto';
import {
  ChangeMemberRoleDto,
  MemberPageResponse,
  MemberResponse as MemberSchema,
} from './dto/membership.dto';
import { MembershipsService } from './memberships.service';

@ApiTags('memberships')
@ApiBearerAuth()
@Controller('api/orgs/:orgId/members')
@Roles(OrgRole.OrgAdmin)
export class MembershipsController {
  constructor(private readonly memberships: MembershipsService) {}

  @Get()
  @ApiOperation({ summary: 'Active members with their name, email and role (org_admin)' })
  @ApiResponse({ status: 200, type: MemberPageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: ListQueryDto,
  ): Promise<CursorPage<MemberResponse>> {
    return this.memberships.list(params.orgId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
    });
  }

  @Patch(':identityId')
  @ApiOperation({ summary: "Change a member's role; the last org_admin cannot be demoted (422)" })
  @ApiResponse({ status: 200, type: MemberSchema })
  @ApiResponse({ status: 404, description: 'Not a member' })
  @ApiResponse({ status: 422, description: 'Would leave the organization without an org_admin' })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgMemberParams,
    @Body() body: ChangeMemberRoleDto,
  ): Promise<MemberResponse> {
    return this.memberships.changeRole(principal, params.orgId, params.identityId, body.role);
  }

  @Delete(':identityId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member; the last org_admin cannot be removed (422)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'Not a member' })
  @ApiResponse({ status: 422, description: 'Would leave the organization without an org_admin' })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgMemberParams,
  ): Promise<void> {
    return this.memberships.revoke(principal, params.orgId, params.identityId);
  }
}
