import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalField, IsRfc3339DateTime } from '../validation/contract-validators';
import type { AlertSeverity } from './event-values';
import { ALERT_SEVERITIES, FieldLimits } from './event-values';

/** One answer that met the alert rule's condition. */
export class AlertTriggerV1 {
  @IsString()
  @Length(1, FieldLimits.label)
  questionId!: string;

  /** The answer as submitted (number, text, choice ids...). */
  @IsDefined()
  value!: unknown;
}

/** `feedback.alert.raised` v1: a response met an alert rule; notification-service tells staff. */
export class FeedbackAlertRaisedV1 {
  @IsUUID('all')
  alertId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  sessionId!: string;

  @IsUUID('all')
  responseId!: string;

  @IsUUID('all')
  surveyId!: string;

  @IsInt()
  @Min(1)
  surveyVersion!: number;

  @IsUUID('all')
  ruleId!: string;

  @IsString()
  @Length(1, FieldLimits.name)
  ruleName!: string;

  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AlertTriggerV1)
  triggers!: AlertTriggerV1[];

  /** Staff to notify, resolved from the rule when it fired (notification-service has no rules). */
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true })
  notifyEmails!: string[];

  @IsRfc3339DateTime()
  raisedAt!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;
}
