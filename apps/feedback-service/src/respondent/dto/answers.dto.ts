import { AnswerLimits, IsPlainRecord } from '@careloop/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';

/** A draft or a submission: answers keyed by question id, values as SurveyJS shapes them. */
export class AnswersDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { nps: 9, comment: 'Friendly staff' },
    description: 'Answers keyed by question id',
  })
  @IsDefined()
  @IsPlainRecord({
    maxKeys: AnswerLimits.maxQuestions,
    maxKeyLength: AnswerLimits.maxQuestionIdLength,
  })
  answers!: Record<string, unknown>;
}
