import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { readCursor, isInstant, isUuid } from '../staff/cursor';
import { DEFAULT_PAGE_SIZE } from '../staff/dto/staff-list.query';
import { AlertsService } from './alerts.service';
import {
  AlertRuleDto,
  AlertRuleListQuery,
  AlertRulePage,
  AlertRuleParams,
  AlertRuleResponse,
} from './dto/alert-rule.dto';

const cannotMatch = {
  status: 422,
  description:
    'The rule could never match (unknown question kind, threshold outside the scale, a question or choice the survey lacks)',
};

/** Staff define when a response alerts them: org admins write, analysts and viewers read. */
@ApiTags('alert-rules')
@ApiBearerAuth()
@Roles(OrgRole.OrgAdmin, OrgRole.Analyst, OrgRole.Viewer)
@Controller('api/feedback/alert-rules')
export class AlertRulesController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: "The organization's alert rules, oldest first" })
  @ApiResponse({ status: 200, type: AlertRulePage })
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: AlertRuleListQuery,
  ): Promise<CursorPage<AlertRuleResponse>> {
    const after = query.cursor ? readCursor(query.cursor, [isInstant, isUuid]) : undefined;
    return this.alerts.list(caller, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(after ? { after } : {}),
    });
  }

  @Get(':ruleId')
  @ApiOperation({ summary: 'One alert rule' })
  @ApiResponse({ status: 200, type: AlertRuleResponse })
  @ApiResponse({ status: 404, description: 'No such rule in this organization' })
  get(
    @CurrentPrincipal() caller: Principal,
    @Param() params: AlertRuleParams,
  ): Promise<AlertRuleResponse> {
    return this.alerts.get(caller, params.ruleId);
  }

  @Post()
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({
    summary: 'Create an alert rule',
    description:
      'e.g. `{name: "Detractor", severity: "high", condition: {type: "score", questionKind: "nps", operator: "lte", value: 6}}`',
  })
  @ApiResponse({ status: 201, type: AlertRuleResponse })
  @ApiResponse({ status: 400, description: 'Malformed rule; errors name each field' })
  @ApiResponse(cannotMatch)
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: AlertRuleDto,
  ): Promise<AlertRuleResponse> {
    return this.alerts.create(caller, body);
  }

  @Put(':ruleId')
  @Roles(OrgRole.OrgAdmin)
  @ApiOperation({ summary: 'Replace an alert rule (alerts it raised before stay as they were)' })
  @ApiResponse({ status: 200, type: AlertRuleResponse })
  @ApiResponse({ status: 400, description: 'Malformed rule; errors name each field' })
  @ApiResponse({ status: 404, description: 'No such rule in this organization' })
  @ApiResponse(cannotMatch)
  replace(
    @CurrentPrincipal() caller: Principal,
    @Param() params: AlertRuleParams,
    @Body() body: AlertRuleDto,
  ): Promise<AlertRuleResponse> {
    return this.alerts.replace(caller, params.ruleId, body);
  }

  @Delete(':ruleId')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alert rule (alerts it raised are kept)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, description: 'No such rule in this organization' })
  remove(@CurrentPrincipal() caller: Principal, @Param() params: AlertRuleParams): Promise<void> {
    return this.alerts.remove(caller, params.ruleId);
  }
}
