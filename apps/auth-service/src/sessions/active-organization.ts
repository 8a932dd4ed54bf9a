export interface MembershipChoice {
  orgId: string;
}

/**
 * The organization a new session acts in: the one asked for if the user belongs to it, else the
 * one used last, else the first; none when the user belongs to no organization.
 */
export function chooseActiveOrganization<M extends MembershipChoice>(
  memberships: readonly M[],
  requestedOrgId: string | undefined,
  lastOrgId: string | null,
): M | undefined {
  const find = (orgId: string | null | undefined) =>
    orgId ? memberships.find((membership) => membership.orgId === orgId) : undefined;
  return find(requestedOrgId) ?? find(lastOrgId) ?? memberships[0];
}
