import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DistributionRuleResponse {
  @ApiProperty({ format: 'uuid' }) ruleId!: string;
  @ApiProperty({ description: 'Lower first: the first matching rule decides' }) priority!: number;
  @ApiPropertyOptional({ type: [String] }) appointmentTypes?: string[];
  @ApiPropertyOptional({ type: [String] }) departments?: string[];
  @ApiPropertyOptional({ type: [String] }) sites?: string[];
  @ApiPropertyOptional({ type: [String] }) providers?: string[];
  @ApiProperty({ minimum: 0, maximum: 1 }) samplingRate!: number;
  @ApiProperty({ enum: ['email', 'sms'], isArray: true }) channels!: ('email' | 'sms')[];
}

export class DistributionResponse {
  @ApiProperty({ description: 'Bumped by every replacement of the rules' }) revision!: number;
  @ApiProperty({ type: [DistributionRuleResponse] }) rules!: DistributionRuleResponse[];
}

export class QuestionOutlineResponse {
  @ApiProperty() questionId!: string;
  @ApiProperty({
    enum: [
      'nps',
      'csat',
      'rating',
      'single_choice',
      'multiple_choice',
      'boolean',
      'text',
      'date',
      'matrix',
    ],
  })
  kind!: string;
  @ApiProperty({ description: 'In the default language' }) title!: string;
  @ApiPropertyOptional() scaleMin?: number;
  @ApiPropertyOptional() scaleMax?: number;
}

export class SurveyVersionResponse {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status!: 'draft' | 'published';
  @ApiProperty() title!: string;
  @ApiProperty() defaultLanguage!: string;
  @ApiProperty({ type: [String], description: 'Languages with texts, the default first' })
  languages!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'SurveyJS JSON' })
  definition!: Record<string, unknown>;
  @ApiProperty({ type: [QuestionOutlineResponse] }) questions!: QuestionOutlineResponse[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: String, nullable: true }) publishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) publishedBy!: string | null;
}

export class SurveySummaryResponse {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ description: "The latest version's title" }) title!: string;
  @ApiProperty({ enum: ['active', 'archived'] }) status!: 'active' | 'archived';
  @ApiProperty() latestVersion!: number;
  @ApiProperty({ enum: ['draft', 'published'] }) latestVersionStatus!: 'draft' | 'published';
  @ApiProperty({ type: Number, nullable: true }) publishedVersion!: number | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class SurveyResponse extends SurveySummaryResponse {
  @ApiProperty() defaultLanguage!: string;
  @ApiProperty({
    type: SurveyVersionResponse,
    description: 'The latest version (draft or published)',
  })
  latest!: SurveyVersionResponse;
  @ApiProperty({ type: DistributionResponse }) distribution!: DistributionResponse;
  @ApiProperty({ type: String, nullable: true }) archivedAt!: string | null;
}

export class SurveyPageResponse {
  @ApiProperty({ type: [SurveySummaryResponse] }) items!: SurveySummaryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PublishResponse {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ description: 'The version just frozen' }) version!: number;
  @ApiProperty() publishedAt!: string;
}
