import type { OrgRole } from '@careloop/contracts';

export interface ActiveMembership {
  role: OrgRole;
}

/**
 * An organization without an org_admin could never be administered again (only a platform admin
 * could repair it), so the last one can be neither demoted nor removed.
 */
export function wouldLeaveNoAdmin(
  member: ActiveMembership,
  newRole: OrgRole | undefined,
  activeAdminCount: number,
): boolean {
  if (member.role !== 'org_admin') return false;
  if (newRole === 'org_admin') return false;
  return activeAdminCount <= 1;
}
