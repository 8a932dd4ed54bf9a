import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RespondentSurveyInfo {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ description: "The survey's title in the respondent's language" }) title!: string;
  @ApiProperty({ example: 'en' }) defaultLanguage!: string;
  @ApiProperty({ type: [String], example: ['en', 'fr'] }) languages!: string[];
}

export class RespondentDraft {
  @ApiProperty({ type: 'object', additionalProperties: true }) answers!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) savedAt!: string;
}

export class RespondentSurveyResponse {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: ['open', 'submitted'] }) status!: 'open' | 'submitted';
  @ApiProperty({ description: 'The language questions are given in', example: 'fr' })
  language!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: RespondentSurveyInfo }) survey!: RespondentSurveyInfo;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The SurveyJS JSON of the version (translations inline), for a SurveyJS renderer',
  })
  definition!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The questions shown for the saved draft, in order, in `language`',
  })
  questions!: object[];
  @ApiPropertyOptional({ type: RespondentDraft, nullable: true }) draft!: RespondentDraft | null;
  @ApiPropertyOptional({ format: 'date-time' }) submittedAt?: string;
}

export class DraftSavedResponse {
  @ApiProperty({ format: 'date-time' }) savedAt!: string;
}

export class SubmissionResponse {
  @ApiProperty({ format: 'uuid' }) responseId!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

export class OptOutResponse {
  @ApiProperty({ example: true }) optedOut!: boolean;
}
