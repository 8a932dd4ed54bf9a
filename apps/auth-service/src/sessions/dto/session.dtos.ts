import { FieldLimits } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH } from '../../identities/password-policy';

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class SignupDto {
  @ApiProperty({ example: 'ada@clinic.example' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(FieldLimits.email)
  email!: string;

  @ApiProperty({
    minLength: 12,
    description: 'At least 12 characters, not a commonly used password',
  })
  @IsString()
  @IsAcceptablePassword()
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trimmed)
  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;

  @ApiPropertyOptional({
    example: 'Clinique du Parc',
    description:
      'Creates this organization with the new user as its org_admin; omit to join one later',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, FieldLimits.name)
  organizationName?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@clinic.example' })
  @Transform(trimmed)
  @IsString()
  @Length(1, FieldLimits.email)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'TOTP code when a second factor is required',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totp must be six digits' })
  totp?: string;

  @ApiPropertyOptional({
    example: 'ab3de-fg7hj',
    description: 'A single-use recovery code instead of totp',
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  recoveryCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Organization to act in, if a member' })
  @IsOptional()
  @IsUUID('all')
  orgId?: string;
}

export class RefreshTokenDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  refreshToken!: string;
}

export class SwitchOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  orgId!: string;
}
