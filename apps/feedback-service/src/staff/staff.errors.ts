import { DomainError } from '@careloop/runtime';

export const StaffErrorCode = {
  SessionNotFound: 'staff.session-not-found',
  SessionAnswered: 'staff.session-answered',
  SessionNotInvited: 'staff.session-not-invited',
  VersionNotFound: 'staff.version-not-found',
} as const;

export function sessionNotFound(): DomainError {
  return new DomainError('not-found', StaffErrorCode.SessionNotFound, 'No such feedback session');
}

export function sessionAnswered(): DomainError {
  return new DomainError(
    'conflict',
    StaffErrorCode.SessionAnswered,
    'The session has already been answered; a new link would have nothing to collect',
  );
}

export function sessionNotInvited(reason: string): DomainError {
  return new DomainError(
    'rule-violation',
    StaffErrorCode.SessionNotInvited,
    `The session cannot get a link: ${reason}`,
  );
}

export function versionNotFound(): DomainError {
  return new DomainError(
    'not-found',
    StaffErrorCode.VersionNotFound,
    'No published version of this survey has this number',
  );
}
