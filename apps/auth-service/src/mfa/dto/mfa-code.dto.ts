import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class MfaCodeDto {
  @ApiProperty({ example: '123456', description: 'Six digits from the authenticator app' })
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code!: string;
}
