import { DomainError } from '@careloop/runtime';

/** Problem `type`s end with these codes (e.g. `…#auth/mfa-required`). */
export const AuthErrorCode = {
  InvalidCredentials: 'auth/invalid-credentials',
  MfaRequired: 'auth/mfa-required',
  MfaInvalid: 'auth/mfa-invalid',
  LoginThrottled: 'auth/login-throttled',
  InvalidRefreshToken: 'auth/invalid-refresh-token',
  EmailTaken: 'auth/email_taken',
  NotAMember: 'auth/not-a-member',
  UserRequired: 'auth/user-required',
} as const;

/** Unknown email and wrong password get exactly this, so neither reveals whether an account exists. */
export function invalidCredentials(): DomainError {
  return new DomainError(
    'unauthorized',
    AuthErrorCode.InvalidCredentials,
    'The email or password is incorrect',
  );
}

export function mfaRequired(): DomainError {
  return new DomainError(
    'unauthorized',
    AuthErrorCode.MfaRequired,
    'A second factor is required: send totp (a code from the authenticator app) or recoveryCode',
  );
}

export function mfaInvalid(): DomainError {
  return new DomainError(
    'unauthorized',
    AuthErrorCode.MfaInvalid,
    'The authentication code is incorrect or was already used',
  );
}

export function invalidRefreshToken(): DomainError {
  return new DomainError(
    'unauthorized',
    AuthErrorCode.InvalidRefreshToken,
    'The refresh token is invalid, expired or revoked; log in again',
  );
}

export function userRequired(): DomainError {
  return new DomainError(
    'forbidden',
    AuthErrorCode.UserRequired,
    'Only a user (not an integration client) may do this',
  );
}

/** Too many failed logins: the answer carries Retry-After (see RetryAfterInterceptor). */
export class LoginThrottledError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'too-many-requests',
      AuthErrorCode.LoginThrottled,
      `Too many failed logins; retry after ${retryAfterSeconds} s`,
    );
  }
}
