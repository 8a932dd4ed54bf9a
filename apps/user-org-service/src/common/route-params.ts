import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

// Path parameters are validated like bodies, so a malformed id is a 400 naming it, never a 500
// from Postgres' uuid cast.

export class OrgParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  orgId!: string;
}

export class OrgMemberParams extends OrgParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  identityId!: string;
}

export class OrgResourceParams extends OrgParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id!: string;
}

export class OrgInvitationParams extends OrgParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  invitationId!: string;
}
