import { PROBLEM_JSON_CONTENT_TYPE } from '@careloop/contracts';
import { Public } from '@careloop/security';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AnswersDto } from './dto/answers.dto';
import {
  DraftSavedResponse,
  OptOutResponse,
  RespondentSurveyResponse,
  SubmissionResponse,
} from './dto/respondent.responses';
import { RespondentService } from './respondent.service';

const notFound = {
  status: 404,
  description: 'Unknown, expired, tampered or replaced link (no detail given)',
  content: { [PROBLEM_JSON_CONTENT_TYPE]: {} },
};

/** The patient's pages: no account, the signed token in the path is the credential. */
@ApiTags('respondent')
@Public()
@ApiParam({ name: 'token', description: 'The signed respondent token from the invitation link' })
@Controller('r')
export class RespondentController {
  constructor(private readonly respondent: RespondentService) {}

  @Get(':token')
  @ApiOperation({
    summary: "The survey in the patient's language, with the saved draft",
    description: 'Questions are given in the language of the session (the org default otherwise).',
  })
  @ApiResponse({ status: 200, type: RespondentSurveyResponse })
  @ApiResponse(notFound)
  view(@Param('token') token: string): Promise<RespondentSurveyResponse> {
    return this.respondent.view(token);
  }

  @Put(':token/draft')
  @HttpCode(200)
  @ApiOperation({ summary: 'Save partial answers (resumable for 7 days)' })
  @ApiResponse({ status: 200, type: DraftSavedResponse })
  @ApiResponse({ status: 400, description: 'The body is not `{answers: {...}}`' })
  @ApiResponse(notFound)
  @ApiResponse({ status: 409, description: 'The survey has already been submitted' })
  saveDraft(@Param('token') token: string, @Body() body: AnswersDto): Promise<DraftSavedResponse> {
    return this.respondent.saveDraft(token, body.answers);
  }

  @Post(':token/submit')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Submit the answers',
    description:
      'Validated against the survey version (types, ranges, required, logic). Repeating the same ' +
      'answers returns the first submission; different answers after a submission are a 409.',
  })
  @ApiResponse({ status: 201, type: SubmissionResponse })
  @ApiResponse({ status: 400, description: 'The body is not `{answers: {...}}`' })
  @ApiResponse(notFound)
  @ApiResponse({ status: 409, description: 'Already submitted with different answers' })
  @ApiResponse({
    status: 422,
    description: 'Answers break the survey; `errors` names each question',
  })
  submit(@Param('token') token: string, @Body() body: AnswersDto): Promise<SubmissionResponse> {
    return this.respondent.submit(token, body.answers);
  }

  @Post(':token/opt-out')
  @HttpCode(200)
  @ApiOperation({ summary: 'Never survey this patient again for this organization' })
  @ApiResponse({ status: 200, type: OptOutResponse })
  @ApiResponse(notFound)
  optOut(@Param('token') token: string): Promise<OptOutResponse> {
    return this.respondent.optOut(token);
  }
}
