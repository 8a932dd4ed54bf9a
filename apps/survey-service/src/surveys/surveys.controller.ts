import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ReplaceDistributionDto } from './dto/distribution.dto';
import { ListSurveysQuery } from './dto/list-surveys.query';
import { SurveyContentDto } from './dto/survey-content.dto';
import { SurveyParams, SurveyVersionParams } from './dto/survey-params';
import {
  DistributionResponse,
  PublishResponse,
  SurveyPageResponse,
  SurveyResponse,
  SurveySummaryResponse,
  SurveyVersionResponse,
} from './dto/survey.response';
import { SurveysService } from './surveys.service';

const EDITORS = [OrgRole.OrgAdmin, OrgRole.SurveyEditor] as const;
const READERS = [OrgRole.OrgAdmin, OrgRole.SurveyEditor, OrgRole.Analyst, OrgRole.Viewer] as const;

/** Surveys of the caller's organization (from the access token). */
@ApiTags('surveys')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid access token' })
@ApiResponse({ status: 403, description: 'The role does not allow this' })
@Controller('api/surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post()
  @Roles(...EDITORS)
  @ApiOperation({
    summary: 'Create a survey with its first draft version (org_admin, survey_editor)',
  })
  @ApiResponse({ status: 201, type: SurveyResponse })
  @ApiResponse({ status: 400, description: 'Malformed body; errors name the fields' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid definition; errors name the question' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SurveyContentDto,
  ): Promise<SurveyResponse> {
    return this.surveys.create(principal, body);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Surveys, newest first, cursor-paginated (any role)' })
  @ApiResponse({ status: 200, type: SurveyPageResponse })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListSurveysQuery,
  ): Promise<CursorPage<SurveySummaryResponse>> {
    return this.surveys.list(principal.orgId, query);
  }

  @Get(':surveyId')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A survey with its latest version and distribution rules (any role)' })
  @ApiResponse({ status: 200, type: SurveyResponse })
  @ApiResponse({ status: 404, description: 'No such survey in this organization' })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyParams,
  ): Promise<SurveyResponse> {
    return this.surveys.get(principal.orgId, params.surveyId);
  }

  @Put(':surveyId/draft')
  @Roles(...EDITORS)
  @ApiOperation({
    summary:
      'Replace the draft (org_admin, survey_editor); if the latest version is published, a new draft version is created and the published one stays as it was',
  })
  @ApiResponse({ status: 200, type: SurveyResponse })
  @ApiResponse({ status: 400, description: 'Malformed body; errors name the fields' })
  @ApiResponse({ status: 404, description: 'No such survey' })
  @ApiResponse({ status: 409, description: 'The survey is archived' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid definition; errors name the question' })
  updateDraft(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyParams,
    @Body() body: SurveyContentDto,
  ): Promise<SurveyResponse> {
    return this.surveys.updateDraft(principal, params.surveyId, body);
  }

  @Post(':surveyId/publish')
  @HttpCode(200)
  @Roles(...EDITORS)
  @ApiOperation({ summary: 'Freeze the draft as an immutable version; emits survey.published' })
  @ApiResponse({ status: 200, type: PublishResponse })
  @ApiResponse({ status: 404, description: 'No such survey' })
  @ApiResponse({ status: 409, description: 'Archived, or no draft to publish' })
  @ApiUnprocessableEntityResponse({
    description: 'The draft is not publishable; errors name the question',
  })
  publish(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyParams,
  ): Promise<PublishResponse> {
    return this.surveys.publish(principal, params.surveyId);
  }

  @Get(':surveyId/versions/:version')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One version, draft or published (any role)' })
  @ApiResponse({ status: 200, type: SurveyVersionResponse })
  @ApiResponse({ status: 404, description: 'No such survey or version' })
  getVersion(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyVersionParams,
  ): Promise<SurveyVersionResponse> {
    return this.surveys.getVersion(principal.orgId, params.surveyId, params.version);
  }

  @Post(':surveyId/archive')
  @HttpCode(200)
  @Roles(...EDITORS)
  @ApiOperation({ summary: 'Archive: no new invitations; emits survey.archived' })
  @ApiResponse({ status: 200, type: SurveyResponse })
  @ApiResponse({ status: 404, description: 'No such survey' })
  @ApiResponse({ status: 409, description: 'Already archived' })
  archive(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyParams,
  ): Promise<SurveyResponse> {
    return this.surveys.archive(principal, params.surveyId);
  }

  @Put(':surveyId/distribution')
  @Roles(...EDITORS)
  @ApiOperation({
    summary:
      'Replace the distribution rules (org_admin, survey_editor); the first matching rule decides. If a version is published, survey.published is sent again with the new rules',
  })
  @ApiResponse({ status: 200, type: DistributionResponse })
  @ApiResponse({ status: 400, description: 'Malformed rules; errors name the fields' })
  @ApiResponse({ status: 404, description: 'No such survey' })
  @ApiResponse({ status: 409, description: 'The survey is archived' })
  replaceDistribution(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SurveyParams,
    @Body() body: ReplaceDistributionDto,
  ): Promise<DistributionResponse> {
    return this.surveys.replaceDistribution(principal, params.surveyId, body);
  }
}
