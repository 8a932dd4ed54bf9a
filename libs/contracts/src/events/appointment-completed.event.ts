import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsInt,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  IsE164Phone,
  IsIanaTimeZone,
  IsLanguageTag,
  IsNotBefore,
  IsNotFutureYear,
  IsOptionalField,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import { FieldLimits } from './event-values';

/** The patient as the clinic's system knows them. Contact data is already normalized (E.164). */
export class AppointmentPatientV1 {
  /** The clinic system's patient id (MRN or similar), unique within the organization. */
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalId!: string;

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

  @IsOptionalField()
  @IsLanguageTag()
  language?: string;

  @IsOptionalField()
  @IsInt()
  @Min(1900)
  @IsNotFutureYear()
  birthYear?: number;
}

export class AppointmentDetailsV1 {
  /** Codes as the clinic's system names them; analytics slices by them, survey rules match them. */
  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  type?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  department?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  site?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  provider?: string;

  /** Absent when the clinic's system reports only the end (HL7 v2 ADT^A03 often leaves PV1-44 empty). */
  @IsOptionalField()
  @IsRfc3339DateTime()
  startedAt?: string;

  @IsRfc3339DateTime()
  @IsNotBefore('startedAt')
  endedAt!: string;

  /**
   * Where the appointment took place; quiet hours and send times are computed in it. Absent when the
   * source names none (FHIR and HL7 v2 carry UTC offsets, not zone names): consumers then use the
   * organization's time zone (org settings).
   */
  @IsOptionalField()
  @IsIanaTimeZone()
  timezone?: string;
}

/** `appointment.completed` v1: the first event; from a clinic's system or feedback-service's intake. */
export class AppointmentCompletedV1 {
  /** The clinic system's appointment id, unique within the organization; the event's subject. */
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => AppointmentPatientV1)
  patient!: AppointmentPatientV1;

  @IsDefined()
  @ValidateNested()
  @Type(() => AppointmentDetailsV1)
  appointment!: AppointmentDetailsV1;
}
