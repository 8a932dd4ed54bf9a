import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  IsLanguageTag,
  IsOptionalField,
  IsPlainRecord,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import type { DeliveryChannel, QuestionKind } from './event-values';
import { DELIVERY_CHANNELS, FieldLimits, QUESTION_KINDS } from './event-values';

/** What analytics needs to know of a question without parsing the survey definition. */
export class SurveyQuestionV1 {
  @IsString()
  @Length(1, FieldLimits.label)
  questionId!: string;

  @IsIn(QUESTION_KINDS)
  kind!: QuestionKind;

  /** The title in the survey's default language. */
  @IsString()
  @Length(1, FieldLimits.text)
  title!: string;

  /** Bounds of a numeric scale (nps 0-10, csat 1-5, rating); absent for other kinds. */
  @IsOptionalField()
  @IsInt()
  scaleMin?: number;

  @IsOptionalField()
  @IsInt()
  scaleMax?: number;
}

/** Which appointments a rule matches. An absent list matches anything; lists are ORed values. */
export class DistributionMatchV1 {
  @IsOptionalField()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  appointmentTypes?: string[];

  @IsOptionalField()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  departments?: string[];

  @IsOptionalField()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  sites?: string[];

  @IsOptionalField()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, FieldLimits.label, { each: true })
  providers?: string[];
}

/** A distribution rule: feedback-service uses, per appointment, the matching rule with the lowest `priority` number. */
export class DistributionRuleV1 {
  @IsUUID('all')
  ruleId!: string;

  @IsInt()
  @Min(0)
  @Max(10_000)
  priority!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => DistributionMatchV1)
  match!: DistributionMatchV1;

  @IsInt()
  @Min(0)
  @Max(100)
  samplingPercent!: number;

  /** Channels in order of preference; the first one the patient can be reached on is used. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DELIVERY_CHANNELS, { each: true })
  channels!: DeliveryChannel[];
}

/**
 * `survey.published` v1: an immutable version of a survey, complete (definition, translations,
 * distribution rules), so consumers keep a local copy and never call survey-service. Distribution
 * rules belong to the survey, not the version: when they change, this event is sent again for the
 * same (still current) version, and consumers route by the rules of the latest event per survey.
 */
export class SurveyPublishedV1 {
  @IsUUID('all')
  surveyId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @IsString()
  @Length(1, FieldLimits.name)
  title!: string;

  @IsLanguageTag()
  defaultLanguage!: string;

  /** Every language the definition is translated into, the default one included. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsLanguageTag({ each: true })
  languages!: string[];

  /**
   * The SurveyJS (survey-core) JSON of this version, translations inline: the subset
   * `@careloop/surveys` accepts; check answers with its `validateAnswers(data, answers, language)`.
   */
  @IsPlainRecord({ maxKeys: 200, maxKeyLength: FieldLimits.label })
  definition!: Record<string, unknown>;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => SurveyQuestionV1)
  questions!: SurveyQuestionV1[];

  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => DistributionRuleV1)
  distributionRules!: DistributionRuleV1[];

  @IsUUID('all')
  publishedBy!: string;

  @IsRfc3339DateTime()
  publishedAt!: string;
}

/** `survey.archived` v1: no new sessions for this survey; existing sessions may still be answered. */
export class SurveyArchivedV1 {
  @IsUUID('all')
  surveyId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsOptionalField()
  @IsInt()
  @Min(1)
  lastPublishedVersion?: number;

  @IsUUID('all')
  archivedBy!: string;

  @IsRfc3339DateTime()
  archivedAt!: string;
}
