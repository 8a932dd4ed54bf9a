import { FieldLimits, IsIanaTimeZone, IsOptionalField } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ListQueryDto } from '../../common/list-query.dto';

// Create bodies require a name; update bodies (PATCH) change only the fields they carry, and
// `null` clears an optional field (externalId, timezone, specialty), never the name.

const externalIdDescription =
  "The code the organization's own systems send in appointments; unique per organization";

class NamedCreateDto {
  @ApiProperty({ minLength: 1, maxLength: FieldLimits.name })
  @IsString()
  @Length(1, FieldLimits.name)
  name!: string;

  @ApiPropertyOptional({ maxLength: FieldLimits.externalId, description: externalIdDescription })
  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalId?: string;
}

class NamedUpdateDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: FieldLimits.name })
  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.name)
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: externalIdDescription })
  @IsOptional()
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalId?: string | null;
}

export class CreateSiteDto extends NamedCreateDto {
  @ApiPropertyOptional({ example: 'Europe/Paris', description: "Overrides the org's time zone" })
  @IsOptionalField()
  @IsIanaTimeZone()
  timezone?: string;
}

export class UpdateSiteDto extends NamedUpdateDto {
  @ApiPropertyOptional({ nullable: true, example: 'Europe/Paris' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string | null;
}

export class CreateDepartmentDto extends NamedCreateDto {
  @ApiProperty({ format: 'uuid', description: 'The site the department belongs to' })
  @IsUUID('all')
  siteId!: string;
}

export class UpdateDepartmentDto extends NamedUpdateDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalField()
  @IsUUID('all')
  siteId?: string;
}

export class CreateProviderDto extends NamedCreateDto {
  @ApiPropertyOptional({ maxLength: FieldLimits.label, example: 'cardiology' })
  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  specialty?: string;
}

export class UpdateProviderDto extends NamedUpdateDto {
  @ApiPropertyOptional({ nullable: true, maxLength: FieldLimits.label })
  @IsOptional()
  @IsString()
  @Length(1, FieldLimits.label)
  specialty?: string | null;
}

export class DepartmentListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the departments of this site' })
  @IsOptional()
  @IsUUID('all')
  siteId?: string;
}

class StructureResponse {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  externalId!: string | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class SiteResponse extends StructureResponse {
  @ApiProperty({ format: 'uuid' })
  siteId!: string;

  @ApiProperty({ type: String, nullable: true })
  timezone!: string | null;
}

export class DepartmentResponse extends StructureResponse {
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty({ format: 'uuid' })
  siteId!: string;
}

export class ProviderResponse extends StructureResponse {
  @ApiProperty({ format: 'uuid' })
  providerId!: string;

  @ApiProperty({ type: String, nullable: true })
  specialty!: string | null;
}

export class SitePageResponse {
  @ApiProperty({ type: [SiteResponse] })
  items!: SiteResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class DepartmentPageResponse {
  @ApiProperty({ type: [DepartmentResponse] })
  items!: DepartmentResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ProviderPageResponse {
  @ApiProperty({ type: [ProviderResponse] })
  items!: ProviderResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
