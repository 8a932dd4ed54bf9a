import type { DeliveryChannel, OrgSettingsV1 } from '@careloop/contracts';
import {
  DELIVERY_CHANNELS,
  FieldLimits,
  IsIanaTimeZone,
  IsLanguageTag,
  IsOptionalField,
} from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

// The HTTP shape of OrgSettingsV1. Separate from the event class on purpose: a shape error here is
// a 400, while the rule between fields (languages hold the default one) is checked by the service
// and answered 422, as DESIGN §3 asks.

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;

function lowerCased(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: 'Local time HH:mm' })
  @Matches(clockTime, { message: 'start must be a 24-hour time HH:mm' })
  start!: string;

  @ApiProperty({ example: '08:00', description: 'Local time HH:mm; equal to start means none' })
  @Matches(clockTime, { message: 'end must be a 24-hour time HH:mm' })
  end!: string;
}

export class ReminderDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ minimum: 1, maximum: 336, description: 'Hours after the invitation' })
  @IsInt()
  @Min(1)
  @Max(336)
  afterHours!: number;
}

export class BrandingDto {
  @ApiProperty({ example: '#0b6e4f' })
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'primaryColor must be a hex color #rrggbb' })
  primaryColor!: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.org/logo.png' })
  @IsOptionalField()
  @IsUrl(
    { require_protocol: true, protocols: ['https'] },
    { message: 'logoUrl must be an https URL' },
  )
  @MaxLength(2_048)
  logoUrl?: string;
}

/** `PUT /api/orgs/{orgId}/settings`: the whole settings, replacing the current ones. */
export class UpdateOrgSettingsDto implements OrgSettingsV1 {
  @ApiProperty({ example: 'Europe/Paris' })
  @IsIanaTimeZone()
  timezone!: string;

  @ApiProperty({ example: 'fr' })
  @IsLanguageTag()
  defaultLanguage!: string;

  @ApiProperty({ example: ['fr', 'en'], description: 'Must include defaultLanguage (else 422)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsLanguageTag({ each: true })
  languages!: string[];

  @ApiProperty({ minimum: 0, maximum: 10_080, description: 'Survey delay after the appointment' })
  @IsInt()
  @Min(0)
  @Max(10_080)
  invitationDelayMinutes!: number;

  @ApiProperty({ type: QuietHoursDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours!: QuietHoursDto;

  @ApiProperty({ type: ReminderDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ReminderDto)
  reminder!: ReminderDto;

  @ApiProperty({ minimum: 1, maximum: 2_160, description: 'How long a respondent link is valid' })
  @IsInt()
  @Min(1)
  @Max(2_160)
  sessionLifetimeHours!: number;

  @ApiProperty({ enum: DELIVERY_CHANNELS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DELIVERY_CHANNELS, { each: true })
  enabledChannels!: DeliveryChannel[];

  @ApiProperty({
    minimum: 0,
    maximum: 365,
    description: 'Days a surveyed patient is not re-surveyed',
  })
  @IsInt()
  @Min(0)
  @Max(365)
  resurveySuppressionDays!: number;

  @ApiProperty({ type: BrandingDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => BrandingDto)
  branding!: BrandingDto;

  @ApiProperty({ type: [String], maxItems: 20, description: 'Emailed when an alert is raised' })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique(lowerCased, { message: 'alertRecipients must not repeat an address' })
  @IsEmail({}, { each: true })
  @MaxLength(FieldLimits.email, { each: true })
  alertRecipients!: string[];

  @ApiProperty({ description: 'Staff must log in with a second factor' })
  @IsBoolean()
  mfaRequired!: boolean;

  @ApiPropertyOptional({ example: 'Clinique du Parc', description: 'Sender name in invitations' })
  @IsOptionalField()
  @IsString()
  @Length(1, 100)
  senderName?: string;

  @ApiPropertyOptional({
    example: 'US',
    description:
      'ISO 3166-1 alpha-2 country in which national phone numbers (without +country) from your systems are read; without it they cannot be used for SMS',
  })
  @IsOptionalField()
  @IsISO31661Alpha2()
  phoneRegion?: string;
}

export class OrgSettingsResponse {
  @ApiProperty()
  orgId!: string;

  @ApiProperty({ description: 'Increases with every change' })
  revision!: number;

  @ApiProperty({ type: UpdateOrgSettingsDto })
  settings!: OrgSettingsV1;

  @ApiProperty()
  updatedAt!: string;
}

export class OrganizationResponse {
  @ApiProperty()
  orgId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  createdAt!: string;
}
