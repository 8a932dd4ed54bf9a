import { ApiProperty } from '@nestjs/swagger';

export class RotatedKeyResponse {
  @ApiProperty({ description: 'Key id of the new signing key' })
  kid!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the new key starts signing; it is published in the JWKS at once',
  })
  activatesAt!: string;
}
