import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsISO31661Alpha2,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ValidationArguments } from 'class-validator';
import { ValidateBy } from 'class-validator';
import {
  IsIanaTimeZone,
  IsLanguageTag,
  IsOptionalField,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import type { DeliveryChannel, OrgRole } from './event-values';
import { DELIVERY_CHANNELS, FieldLimits, ORG_ROLES } from './event-values';

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Most alert recipients an organization may list: alerts are for a few named people, not a list. */
export const MAX_ALERT_RECIPIENTS = 20;

/** The array holds the value of `property` (languages must hold the default language). */
function IncludesPropertyValue(property: string): PropertyDecorator {
  return ValidateBy({
    name: 'includesPropertyValue',
    constraints: [property],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const other = (args?.object as Record<string, unknown> | undefined)?.[property];
        // Shapes are checked by the fields' own validators; only judge an array against a string.
        if (!Array.isArray(value) || typeof other !== 'string') return true;
        return value.includes(other);
      },
      defaultMessage: () => `$property must include the value of ${property}`,
    },
  });
}

/** Emails compared without case: two spellings of one address are one recipient. */
function caseInsensitive(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** No message goes out between start and end (local time of the appointment); equal means none. */
export class QuietHoursV1 {
  @Matches(clockTime, { message: 'start must be a 24-hour time HH:mm' })
  start!: string;

  @Matches(clockTime, { message: 'end must be a 24-hour time HH:mm' })
  end!: string;
}

/** How invitations and the respondent pages look for this organization. */
export class BrandingV1 {
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'primaryColor must be a hex color #rrggbb' })
  primaryColor!: string;

  /** Served to patients' browsers, so only https. */
  @IsOptionalField()
  @IsUrl(
    { require_protocol: true, protocols: ['https'] },
    { message: 'logoUrl must be an https URL' },
  )
  @MaxLength(2_048)
  logoUrl?: string;
}

export class ReminderSettingsV1 {
  @IsBoolean()
  enabled!: boolean;

  /** Hours after the invitation when one reminder is sent, if no response yet. */
  @IsInt()
  @Min(1)
  @Max(336)
  afterHours!: number;
}

/** The whole settings of an organization: events carry the full state, never a diff. */
export class OrgSettingsV1 {
  /** The organization's default time zone (used when an appointment gives none). */
  @IsIanaTimeZone()
  timezone!: string;

  @IsLanguageTag()
  defaultLanguage!: string;

  /** Languages surveys and messages are offered in; holds defaultLanguage. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsLanguageTag({ each: true })
  @IncludesPropertyValue('defaultLanguage')
  languages!: string[];

  /** Delay between the end of an appointment and the invitation. */
  @IsInt()
  @Min(0)
  @Max(10_080)
  invitationDelayMinutes!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => QuietHoursV1)
  quietHours!: QuietHoursV1;

  @IsDefined()
  @ValidateNested()
  @Type(() => ReminderSettingsV1)
  reminder!: ReminderSettingsV1;

  /** How long a respondent link stays valid. */
  @IsInt()
  @Min(1)
  @Max(2_160)
  sessionLifetimeHours!: number;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DELIVERY_CHANNELS, { each: true })
  enabledChannels!: DeliveryChannel[];

  /** A patient surveyed within this many days is not surveyed again (0: no suppression). */
  @IsInt()
  @Min(0)
  @Max(365)
  resurveySuppressionDays!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => BrandingV1)
  branding!: BrandingV1;

  /** Staff emailed when a feedback alert is raised. */
  @IsArray()
  @ArrayMaxSize(MAX_ALERT_RECIPIENTS)
  @ArrayUnique(caseInsensitive)
  @IsEmail({}, { each: true })
  @MaxLength(FieldLimits.email, { each: true })
  alertRecipients!: string[];

  /** Staff of this organization must log in with a second factor (enforced by auth-service). */
  @IsBoolean()
  mfaRequired!: boolean;

  /** Display name in invitations ("Clinique du Parc"); the org's name when absent. */
  @IsOptionalField()
  @IsString()
  @Length(1, 100)
  senderName?: string;

  /**
   * ISO 3166-1 alpha-2 country in which national phone numbers (no `+country`) from this org's
   * systems are read; without it such numbers cannot be used for SMS.
   */
  @IsOptionalField()
  @IsISO31661Alpha2()
  phoneRegion?: string;
}

/** `org.created` v1: a new tenant, with its initial settings. */
export class OrgCreatedV1 {
  @IsUUID('all')
  orgId!: string;

  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => OrgSettingsV1)
  settings!: OrgSettingsV1;

  /** The founding identity; absent when a platform admin created the organization. */
  @IsOptionalField()
  @IsUUID('all')
  createdBy?: string;

  @IsRfc3339DateTime()
  createdAt!: string;
}

/** `org.settings.updated` v1: the settings after the change, in full. */
export class OrgSettingsUpdatedV1 {
  @IsUUID('all')
  orgId!: string;

  /** Increases with every change; a consumer ignores a revision not above the one it holds. */
  @IsInt()
  @Min(1)
  revision!: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => OrgSettingsV1)
  settings!: OrgSettingsV1;

  @IsUUID('all')
  updatedBy!: string;

  @IsRfc3339DateTime()
  updatedAt!: string;
}

/**
 * `org.membership.granted` v1: an identity holds `role` in the org (a role change is a new grant
 * of the same membership). Granted and revoked are two topics, so their relative order is not
 * guaranteed: consumers keep the highest `revision` per membership.
 */
export class OrgMembershipGrantedV1 {
  @IsUUID('all')
  membershipId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  identityId!: string;

  @IsIn(ORG_ROLES)
  role!: OrgRole;

  @IsInt()
  @Min(1)
  revision!: number;

  /** Absent for the founding admin of an organization created at signup. */
  @IsOptionalField()
  @IsUUID('all')
  grantedBy?: string;

  @IsRfc3339DateTime()
  grantedAt!: string;
}

/** `org.membership.revoked` v1: the identity no longer belongs to the org. */
export class OrgMembershipRevokedV1 {
  @IsUUID('all')
  membershipId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsUUID('all')
  identityId!: string;

  @IsInt()
  @Min(1)
  revision!: number;

  /** Absent when the system revoked it (e.g. the identity was erased). */
  @IsOptionalField()
  @IsUUID('all')
  revokedBy?: string;

  @IsRfc3339DateTime()
  revokedAt!: string;
}

/** `org.invitation.created` v1: notification-service emails `acceptUrl` to the invitee. */
export class OrgInvitationCreatedV1 {
  @IsUUID('all')
  invitationId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsString()
  @Length(1, FieldLimits.name)
  orgName!: string;

  @IsEmail()
  @MaxLength(FieldLimits.email)
  email!: string;

  @IsIn(ORG_ROLES)
  role!: OrgRole;

  @IsUUID('all')
  invitedBy!: string;

  /** Carries the invitation token: a credential, never log it. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2_048)
  acceptUrl!: string;

  @IsRfc3339DateTime()
  expiresAt!: string;
}
