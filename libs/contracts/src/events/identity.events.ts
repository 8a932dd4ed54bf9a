import { Type } from 'class-transformer';
import { IsEmail, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import { IsOptionalField, IsRfc3339DateTime } from '../validation/contract-validators';
import { FieldLimits } from './event-values';

/** The organization a signup creates; auth-service picks its id so it can answer with it at once. */
export class RegisteredOrganizationV1 {
  @IsUUID('all')
  orgId!: string;

  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;
}

/**
 * `identity.registered` v1 (platform-level: `orgid` only when the signup created an organization).
 * user-org-service creates `organization`, if present, and makes the identity its org_admin.
 */
export class IdentityRegisteredV1 {
  @IsUUID('all')
  identityId!: string;

  @IsEmail()
  @MaxLength(FieldLimits.email)
  email!: string;

  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;

  @IsOptionalField()
  @ValidateNested()
  @Type(() => RegisteredOrganizationV1)
  organization?: RegisteredOrganizationV1;

  @IsRfc3339DateTime()
  registeredAt!: string;
}

/** `identity.erased` v1 (platform-level): forget this identity's personal data everywhere. */
export class IdentityErasedV1 {
  @IsUUID('all')
  identityId!: string;

  @IsRfc3339DateTime()
  erasedAt!: string;
}
