import { PageLimit } from '@careloop/runtime';
import { IntegrationScope } from '@careloop/security';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';

const INTEGRATION_SCOPES: readonly string[] = Object.values(IntegrationScope);

export class CreateOauthClientDto {
  @ApiProperty({ example: 'Front-desk EHR' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ type: [String], enum: INTEGRATION_SCOPES, example: ['appointments:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(INTEGRATION_SCOPES, { each: true })
  scopes!: string[];
}

export class ListOauthClientsQuery {
  @PageLimit(100)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export class CreatedOauthClientResponse {
  @ApiProperty()
  clientId!: string;

  @ApiProperty({ description: 'Shown once: only its hash is kept' })
  clientSecret!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String] })
  scopes!: string[];
}

export class OauthClientResponse {
  @ApiProperty()
  clientId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String] })
  scopes!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class OauthClientPageResponse {
  @ApiProperty({ type: [OauthClientResponse] })
  items!: OauthClientResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

/** RFC 6749 §5.1. */
export class ClientTokenResponse {
  @ApiProperty()
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ example: 900 })
  expires_in!: number;

  @ApiProperty({ example: 'appointments:write' })
  scope!: string;
}
