import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OrgParams } from '../common/route-params';
import { ANY_ORG_ROLE } from '../common/staff-roles';
import {
  OrganizationResponse,
  OrgSettingsResponse,
  UpdateOrgSettingsDto,
} from './dto/org-settings.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/orgs/:orgId')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: 'The organization (any member)' })
  @ApiResponse({ status: 200, type: OrganizationResponse })
  get(@Param() params: OrgParams): Promise<OrganizationResponse> {
    return this.organizations.getOrganization(params.orgId);
  }

  @Get('settings')
  @Roles(...ANY_ORG_ROLE)
  @ApiOperation({ summary: "The organization's settings and their revision (any member)" })
  @ApiResponse({ status: 200, type: OrgSettingsResponse })
  getSettings(@Param() params: OrgParams): Promise<OrgSettingsResponse> {
    return this.organizations.getSettings(params.orgId);
  }

  @Put('settings')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({
    summary: 'Replace the settings as a whole (org_admin); publishes org.settings.updated',
  })
  @ApiResponse({ status: 200, type: OrgSettingsResponse })
  @ApiResponse({ status: 400, description: 'A field is malformed; errors name it' })
  @ApiResponse({ status: 422, description: 'Fields break a rule between them, e.g. languages' })
  replaceSettings(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrgParams,
    @Body() body: UpdateOrgSettingsDto,
  ): Promise<OrgSettingsResponse> {
    return this.organizations.replaceSettings(principal, params.orgId, body);
  }
}
