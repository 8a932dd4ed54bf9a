import { DomainError } from '@careloop/runtime';

export const InvitationErrors = {
  /** Unknown, expired and revoked look the same to the bearer of a token. */
  notFound: () =>
    new DomainError(
      'not-found',
      'invitation.not-found',
      'No such invitation, or it has expired or been revoked',
    ),
  alreadyAccepted: () =>
    new DomainError(
      'conflict',
      'invitation.already-accepted',
      'This invitation has already been used',
    ),
  emailMismatch: () =>
    new DomainError(
      'forbidden',
      'invitation.email-mismatch',
      'This invitation was sent to another email address than the one you signed in with',
    ),
  identityNotYetKnown: () =>
    new DomainError(
      'conflict',
      'invitation.identity-not-yet-known',
      'Your account is still being set up; retry in a moment',
    ),
  userRequired: () =>
    new DomainError(
      'forbidden',
      'invitation.user-required',
      'Only a signed-in person can accept an invitation',
    ),
  alreadyMember: () =>
    new DomainError(
      'conflict',
      'invitation.already-member',
      'This person is already a member of the organization',
    ),
};
