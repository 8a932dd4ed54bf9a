import { ApiProperty } from '@nestjs/swagger';

export class MembershipResponse {
  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ type: [String], example: ['org_admin'] })
  roles!: string[];
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  mfaEnabled!: boolean;

  @ApiProperty({ type: [MembershipResponse] })
  memberships!: MembershipResponse[];
}
