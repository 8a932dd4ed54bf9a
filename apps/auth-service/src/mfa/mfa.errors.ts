import { DomainError } from '@careloop/runtime';

export const MfaErrorCode = {
  AlreadyEnabled: 'mfa/already-enabled',
  NotEnrolled: 'mfa/not-enrolled',
  InvalidCode: 'mfa/invalid-code',
  RequiredByOrganization: 'mfa/required-by-organization',
} as const;

export const mfaErrors = {
  alreadyEnabled: () =>
    new DomainError(
      'conflict',
      MfaErrorCode.AlreadyEnabled,
      'A TOTP second factor is already active; disable it first',
    ),
  notEnrolled: () =>
    new DomainError(
      'rule-violation',
      MfaErrorCode.NotEnrolled,
      'Start with POST /api/auth/mfa/totp/enrol',
    ),
  notEnabled: () =>
    new DomainError('rule-violation', MfaErrorCode.NotEnrolled, 'No TOTP second factor is active'),
  invalidCode: () =>
    new DomainError(
      'rule-violation',
      MfaErrorCode.InvalidCode,
      'The code is incorrect or was already used',
      [{ field: 'code', message: 'code is incorrect or was already used' }],
    ),
  requiredByOrganization: () =>
    new DomainError(
      'rule-violation',
      MfaErrorCode.RequiredByOrganization,
      'An organization you belong to requires a second factor; it cannot be disabled',
    ),
};
