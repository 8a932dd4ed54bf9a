import { ApiProperty } from '@nestjs/swagger';

export class TokenPairResponse {
  @ApiProperty({ description: 'RS256 JWT for `Authorization: Bearer`' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; single use: each refresh answers a new one' })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Active organization of the access token; null when the user belongs to none',
  })
  orgId!: string | null;
}
