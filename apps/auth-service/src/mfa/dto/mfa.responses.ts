import { ApiProperty } from '@nestjs/swagger';

export class TotpEnrolmentResponse {
  @ApiProperty({ description: 'Base32 secret, for typing into an authenticator app' })
  secret!: string;

  @ApiProperty({ description: 'otpauth:// URI, for a QR code' })
  otpauthUri!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    description: 'Ten single-use codes; shown once, store them offline',
  })
  recoveryCodes!: string[];
}
