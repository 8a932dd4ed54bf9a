import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isBoundedText, isInstant, isUuid, readCursor } from './cursor';
import { DEFAULT_PAGE_SIZE } from './dto/staff-list.query';
import type { OptOutItem, ResponseItem, SessionItem } from './dto/staff.dto';
import {
  OptOutListQuery,
  OptOutPage,
  ReissuedLink,
  ResponseExportQuery,
  ResponseListQuery,
  ResponsePage,
  SessionDetail,
  SessionListQuery,
  SessionPage,
  SessionParams,
} from './dto/staff.dto';
import { StaffService } from './staff.service';

const timeAndId = [isInstant, isUuid];

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * Staff views of feedback: any member with a reading role sees the org's sessions, responses and
 * opt-outs (every read of patient data is audited); only org admins issue follow-up links.
 */
@ApiTags('feedback-staff')
@ApiBearerAuth()
@Roles(OrgRole.OrgAdmin, OrgRole.Analyst, OrgRole.Viewer)
@Controller('api/feedback')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get('sessions')
  @ApiOperation({ summary: 'Feedback sessions, newest first, with filters (audited read)' })
  @ApiResponse({ status: 200, type: SessionPage })
  @ApiResponse({ status: 400, description: 'A malformed filter or cursor; errors name it' })
  listSessions(
    @CurrentPrincipal() caller: Principal,
    @Query() query: SessionListQuery,
  ): Promise<CursorPage<SessionItem>> {
    const after = query.cursor ? readCursor(query.cursor, timeAndId) : undefined;
    return this.staff.listSessions(
      caller,
      definedOnly({
        status: query.status,
        surveyId: query.surveyId,
        from: query.from,
        to: query.to,
        externalAppointmentId: query.externalAppointmentId,
      }),
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, ...(after ? { after } : {}) },
    );
  }

  @Get('sessions/:sessionId')
  @ApiOperation({
    summary: "One session with the patient's contact, answers and alerts (audited read)",
  })
  @ApiResponse({ status: 200, type: SessionDetail })
  @ApiResponse({ status: 404, description: 'No such session in this organization' })
  getSession(
    @CurrentPrincipal() caller: Principal,
    @Param() params: SessionParams,
  ): Promise<SessionDetail> {
    return this.staff.getSession(caller, params.sessionId);
  }

  @Post('sessions/:sessionId/link')
  @Roles(OrgRole.OrgAdmin)
  @HttpCode(201)
  @ApiOperation({
    summary: 'A fresh respondent link for a phone follow-up (audited)',
    description:
      'Every earlier link of the session stops working; the new one lives one session lifetime.',
  })
  @ApiResponse({ status: 201, type: ReissuedLink })
  @ApiResponse({ status: 404, description: 'No such session in this organization' })
  @ApiResponse({ status: 409, description: 'The session has already been answered' })
  @ApiResponse({ status: 422, description: 'The session was skipped or the patient opted out' })
  reissueLink(
    @CurrentPrincipal() caller: Principal,
    @Param() params: SessionParams,
  ): Promise<ReissuedLink> {
    return this.staff.reissueLink(caller, params.sessionId);
  }

  @Get('responses')
  @ApiOperation({ summary: 'Submitted responses, newest first, with filters (audited read)' })
  @ApiResponse({ status: 200, type: ResponsePage })
  @ApiResponse({ status: 400, description: 'A malformed filter or cursor; errors name it' })
  listResponses(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ResponseListQuery,
  ): Promise<CursorPage<ResponseItem>> {
    const after = query.cursor ? readCursor(query.cursor, timeAndId) : undefined;
    return this.staff.listResponses(
      caller,
      definedOnly({
        surveyId: query.surveyId,
        version: query.version,
        from: query.from,
        to: query.to,
      }),
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, ...(after ? { after } : {}) },
    );
  }

  @Get('responses/export.csv')
  @ApiOperation({
    summary: "One survey version's responses as CSV, streamed (audited export)",
    description:
      'One row per response, oldest first; fixed columns then one column per question of the version. RFC 4180; cells starting with = + - @ are prefixed with an apostrophe.',
  })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'text/csv; charset=utf-8' })
  @ApiResponse({ status: 400, description: 'surveyId and version are required' })
  @ApiResponse({ status: 404, description: 'No such published version' })
  async exportResponses(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ResponseExportQuery,
  ): Promise<StreamableFile> {
    const stream = await this.staff.exportResponses(
      caller,
      definedOnly({
        surveyId: query.surveyId,
        version: query.version,
        from: query.from,
        to: query.to,
      }),
    );
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="responses-${query.surveyId}-v${query.version}.csv"`,
    });
  }

  @Get('opt-outs')
  @ApiOperation({ summary: 'Opted-out contacts, newest first, masked (audited read)' })
  @ApiResponse({ status: 200, type: OptOutPage })
  @ApiResponse({ status: 400, description: 'A malformed cursor' })
  listOptOuts(
    @CurrentPrincipal() caller: Principal,
    @Query() query: OptOutListQuery,
  ): Promise<CursorPage<OptOutItem>> {
    const after = query.cursor ? readCursor(query.cursor, [isInstant, isBoundedText]) : undefined;
    return this.staff.listOptOuts(caller, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(after ? { after } : {}),
    });
  }
}
