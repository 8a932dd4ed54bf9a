import { DomainError } from '@careloop/runtime';

export const MembershipErrors = {
  notFound: () =>
    new DomainError(
      'not-found',
      'membership.not-found',
      'This identity is not a member of the organization',
    ),
  lastAdmin: () =>
    new DomainError(
      'rule-violation',
      'membership.last-admin',
      'The organization must keep at least one org_admin; make another member org_admin first',
    ),
  alreadyMember: () =>
    new DomainError(
      'conflict',
      'membership.already-member',
      'This identity is already a member of the organization',
    ),
};
