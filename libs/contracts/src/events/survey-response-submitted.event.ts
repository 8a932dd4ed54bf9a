import { IsInt, IsString, IsUUID, Length, Min } from 'class-validator';
import {
  IsLanguageTag,
  IsOptionalField,
  IsPlainRecord,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import { FieldLimits } from './event-values';

/** Bounds of an answer map; a survey with more questions than this is not a short survey. */
export const AnswerLimits = { maxQuestions: 500, maxQuestionIdLength: 128 } as const;

/** `survey.response.submitted` v1: a patient submitted their answers. Keyed by the session. */
export class SurveyResponseSubmittedV1 {
  @IsUUID('all')
  responseId!: string;

  @IsUUID('all')
  sessionId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  surveyId!: string;

  @IsInt()
  @Min(1)
  surveyVersion!: number;

  /**
   * Keyed by question id, values as the survey definition of `surveyVersion` shapes them
   * (checked by feedback-service against that version before the event is written).
   */
  @IsPlainRecord({
    maxKeys: AnswerLimits.maxQuestions,
    maxKeyLength: AnswerLimits.maxQuestionIdLength,
  })
  answers!: Record<string, unknown>;

  @IsRfc3339DateTime()
  submittedAt!: string;

  @IsLanguageTag()
  language!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;
}
