import { Type } from 'class-transformer';
import {
  buildMessage,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import type { ValidationArguments } from 'class-validator';
import {
  IsE164Phone,
  IsIanaTimeZone,
  IsLanguageTag,
  IsNotBefore,
  IsOptionalField,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import type { DeliveryChannel, SessionSkipReason } from './event-values';
import { DELIVERY_CHANNELS, FieldLimits, SESSION_SKIP_REASONS } from './event-values';

/**
 * Who receives the invitation. notification-service owns no patient data, so the session carries
 * the contact it needs (event-carried state transfer); only the chosen channel's contact is required.
 */
export class SessionRecipientV1 {
  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.name)
  name?: string;

  @IsOptionalField()
  @IsEmail()
  @MaxLength(FieldLimits.email)
  email?: string;

  @IsOptionalField()
  @IsE164Phone()
  phone?: string;
}

function HasContactForChannel(): PropertyDecorator {
  return ValidateBy({
    name: 'hasContactForChannel',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const channel = (args?.object as { channel?: unknown } | undefined)?.channel;
        const recipient = value as SessionRecipientV1 | undefined;
        if (typeof recipient !== 'object' || recipient === null) return true;
        if (channel === 'email') return recipient.email !== undefined;
        if (channel === 'sms') return recipient.phone !== undefined;
        return true;
      },
      defaultMessage: buildMessage(
        () => 'recipient must have the contact of the chosen channel (email or phone)',
      ),
    },
  });
}

/** `feedback.session.created` v1: a patient will be invited; notification-service schedules it. */
export class FeedbackSessionCreatedV1 {
  @IsUUID('all')
  sessionId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  surveyId!: string;

  @IsInt()
  @Min(1)
  surveyVersion!: number;

  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId!: string;

  @IsIn(DELIVERY_CHANNELS)
  channel!: DeliveryChannel;

  @IsDefined()
  @ValidateNested()
  @Type(() => SessionRecipientV1)
  @HasContactForChannel()
  recipient!: SessionRecipientV1;

  /** Language of the invitation and of the survey. */
  @IsLanguageTag()
  language!: string;

  /** The appointment's time zone; reminders honour quiet hours in it. */
  @IsIanaTimeZone()
  timezone!: string;

  /** When to send: already after the org's delay and outside its quiet hours. */
  @IsRfc3339DateTime()
  sendAt!: string;

  @IsRfc3339DateTime()
  @IsNotBefore('sendAt')
  expiresAt!: string;

  /** The respondent link (carries the signed token; treat as a credential, never log it). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2_048)
  respondentUrl!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;
}

/**
 * `feedback.session.skipped` v1: an appointment got no invitation. The session is still recorded
 * (status skipped) so staff can see why; `sessionId` is that record.
 */
export class FeedbackSessionSkippedV1 {
  @IsUUID('all')
  sessionId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId!: string;

  @IsIn(SESSION_SKIP_REASONS)
  reason!: SessionSkipReason;

  /** Set when a survey had been chosen before the skip (e.g. not_sampled, opted_out). */
  @IsOptionalField()
  @IsUUID('all')
  surveyId?: string;

  @IsOptionalField()
  @IsInt()
  @Min(1)
  surveyVersion?: number;

  @IsRfc3339DateTime()
  skippedAt!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.text)
  detail?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;
}

/** `feedback.session.expired` v1: the link's lifetime ended without a submitted response. */
export class FeedbackSessionExpiredV1 {
  @IsUUID('all')
  sessionId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  surveyId!: string;

  @IsInt()
  @Min(1)
  surveyVersion!: number;

  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId!: string;

  /** True when the patient started answering (a draft existed): a partial, not a non-response. */
  @IsBoolean()
  hadDraft!: boolean;

  @IsRfc3339DateTime()
  expiredAt!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;
}
