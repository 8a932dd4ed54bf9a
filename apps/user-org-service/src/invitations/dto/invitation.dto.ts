import type { OrgRole } from '@careloop/contracts';
import { FieldLimits, ORG_ROLES } from '@careloop/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, MaxLength } from 'class-validator';
import type { InvitationStatus } from '../invitation-token';

export class CreateInvitationDto {
  @ApiProperty({ example: 'new.analyst@clinic.example.org' })
  @IsEmail()
  @MaxLength(FieldLimits.email)
  email!: string;

  @ApiProperty({ enum: ORG_ROLES })
  @IsIn(ORG_ROLES)
  role!: OrgRole;
}

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' })
  invitationId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ enum: ORG_ROLES })
  role!: OrgRole;

  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] })
  status!: InvitationStatus;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  expiresAt!: string;
}

export class CreatedInvitationResponse extends InvitationResponse {
  @ApiProperty({ description: 'Shown once, for an admin who shares the link by hand' })
  token!: string;

  @ApiProperty({ description: 'The link the invitee opens; carries the token' })
  acceptUrl!: string;
}

export class InvitationPageResponse {
  @ApiProperty({ type: [InvitationResponse] })
  items!: InvitationResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class AcceptedInvitationResponse {
  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  @ApiProperty({ enum: ORG_ROLES })
  role!: OrgRole;
}
