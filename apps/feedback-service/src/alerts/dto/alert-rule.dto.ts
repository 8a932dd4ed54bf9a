import { ALERT_SEVERITIES, FieldLimits } from '@careloop/contracts';
import type { AlertSeverity } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { AlertCondition, ConditionType, ScoreOperator } from '../alert-rule';
import { CONDITION_TYPES, SCORE_OPERATORS } from '../alert-rule';
import { TimeOrderedListQuery } from '../../staff/dto/staff-list.query';

export class AlertConditionDto {
  @ApiProperty({
    enum: CONDITION_TYPES,
    description: 'score: compare a rating; choice: an answer picked; keyword: a word in free text',
  })
  @IsIn(CONDITION_TYPES)
  type!: ConditionType;

  @ApiPropertyOptional({
    description:
      'The question (required for choice; for score, this or questionKind; for keyword, every free-text answer when absent)',
    example: 'nps',
  })
  @ValidateIf(
    (condition: AlertConditionDto) =>
      condition.type === 'choice' || condition.questionId !== undefined,
  )
  @IsString()
  @Length(1, 128)
  questionId?: string;

  @ApiPropertyOptional({
    description:
      'Score rules: every question of this kind (nps, csat, rating) when no questionId is given',
    example: 'nps',
  })
  @ValidateIf(
    (condition: AlertConditionDto) =>
      condition.questionKind !== undefined ||
      (condition.type === 'score' && condition.questionId === undefined),
  )
  @IsString({
    message: 'questionKind must be a string (a score rule names a questionId or a questionKind)',
  })
  @Length(1, 64)
  questionKind?: string;

  @ApiPropertyOptional({
    enum: SCORE_OPERATORS,
    description: 'Score rules: answer <operator> value',
  })
  @ValidateIf((condition: AlertConditionDto) => condition.type === 'score')
  @IsIn(SCORE_OPERATORS)
  operator?: ScoreOperator;

  @ApiPropertyOptional({ example: 6 })
  @ValidateIf((condition: AlertConditionDto) => condition.type === 'score')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'Choice rules: fires when any of these values was picked',
    example: ['staff'],
  })
  @ValidateIf((condition: AlertConditionDto) => condition.type === 'choice')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  choices?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Keyword rules: whole words, case and accents ignored',
    example: ['rude'],
  })
  @ValidateIf((condition: AlertConditionDto) => condition.type === 'keyword')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  keywords?: string[];
}

/** The whole rule: POST creates one, PUT replaces one. */
export class AlertRuleDto {
  @ApiProperty({ example: 'Detractor' })
  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;

  @ApiProperty({ enum: ALERT_SEVERITIES })
  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only responses to this survey; every survey when absent',
  })
  @IsOptional()
  @IsUUID('all')
  surveyId?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: AlertConditionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AlertConditionDto)
  condition!: AlertConditionDto;
}

export class AlertRuleParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  ruleId!: string;
}

/** Rules oldest first, so a list is stable while rules are added. */
export class AlertRuleListQuery extends TimeOrderedListQuery {}

export class AlertRuleResponse {
  @ApiProperty({ format: 'uuid' }) ruleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) surveyId!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: AlertConditionDto }) condition!: AlertCondition;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AlertRulePage {
  @ApiProperty({ type: [AlertRuleResponse] }) items!: AlertRuleResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
