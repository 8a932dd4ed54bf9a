import type { CursorPage } from '@careloop/contracts';
import type { AuthenticatedCaller, Principal } from '@careloop/security';
import {
  CurrentIdentity,
  CurrentPrincipal,
  OrgRole,
  Roles,
  WithoutOrganization,
} from '@careloop/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { decodeCursor } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, TimeOrderedListQueryDto } from '../common/list-query.dto';
import { OrgInvitationParams, OrgParams } from '../common/route-params';
import type {
  AcceptedInvitationResponse as Accepted,
  CreatedInvitationResponse as Created,
  InvitationResponse as Invitation,
} from './dto/invitation.dto';
import {
  AcceptedInvitationResponse,
  CreatedInvitationResponse,
  CreateInvitationDto,
  InvitationPageResponse,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('invitations')
@ApiBearerAuth()
@Controller('api/orgs')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post(':orgId/invitations')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({
    summary: 'Invite an email to a role (org_admin); publishes org.invitation.created',
    description:
      'The token and accept link are in this answer once (for sharing by hand) and in the event ' +
      '(for the email); only their hash is stored. A pending invitation to the same email is revoked.',
  })
  @ApiResponse({ status: 201, type: CreatedInvitationResponse })
  @ApiResponse({ status: 409, description: 'Already a member' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgParams,
    @Body() body: CreateInvitationDto,
  ): Promise<Created> {
    return this.invitations.create(principal, params.orgId, body);
  }

  @Get(':orgId/invitations')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Invitations, newest first, with their status (org_admin)' })
  @ApiResponse({ status: 200, type: InvitationPageResponse })
  list(
    @Param() params: OrgParams,
    @Query() query: TimeOrderedListQueryDto,
  ): Promise<CursorPage<Invitation>> {
    return this.invitations.list(params.orgId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.cursor ? { after: decodeCursor(query.cursor, 2) } : {}),
    });
  }

  @Delete(':orgId/invitations/:invitationId')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an invitation (org_admin); its link stops working' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404 })
  @ApiResponse({ status: 409, description: 'Already accepted' })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgInvitationParams,
  ): Promise<void> {
    return this.invitations.revoke(principal, params.orgId, params.invitationId);
  }

  @Post('invitations/:token/accept')
  @WithoutOrganization()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation as the signed-in person it was sent to',
    description:
      'Grants the role and publishes org.membership.granted; then POST /api/auth/switch-org ' +
      'to act in the organization.',
  })
  @ApiResponse({ status: 200, type: AcceptedInvitationResponse })
  @ApiResponse({ status: 403, description: 'Signed in with another email than the invited one' })
  @ApiResponse({ status: 404, description: 'Unknown, expired or revoked' })
  @ApiResponse({ status: 409, description: 'Already used, or already a member' })
  accept(
    @CurrentIdentity() caller: AuthenticatedCaller,
    @Param('token') token: string,
  ): Promise<Accepted> {
    return this.invitations.accept(caller, token);
  }
}
