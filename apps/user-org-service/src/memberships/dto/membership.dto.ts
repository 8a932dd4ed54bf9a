import type { OrgRole } from '@careloop/contracts';
import { ORG_ROLES } from '@careloop/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { MemberRecord } from '../memberships.repository';

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: ORG_ROLES })
  @IsIn(ORG_ROLES)
  role!: OrgRole;
}

export class MemberResponse {
  @ApiProperty()
  membershipId!: string;

  @ApiProperty()
  identityId!: string;

  @ApiProperty({ nullable: true, description: 'null until the identity is known here' })
  email!: string | null;

  @ApiProperty({ nullable: true })
  name!: string | null;

  @ApiProperty({ enum: ORG_ROLES })
  role!: OrgRole;

  @ApiProperty()
  grantedAt!: string;
}

export class MemberPageResponse {
  @ApiProperty({ type: [MemberResponse] })
  items!: MemberResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export function toMemberResponse(member: MemberRecord): MemberResponse {
  return {
    membershipId: member.membershipId,
    identityId: member.identityId,
    email: member.email,
    name: member.name,
    role: member.role,
    grantedAt: member.grantedAt.toISOString(),
  };
}
