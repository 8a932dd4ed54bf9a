/**
 * Why a token was refused. Logged for operators; callers only ever see a generic 401, since the
 * detail would help an attacker tune forged tokens.
 */
export type InvalidAccessTokenReason =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'unknown_key'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  | 'keys_unavailable';

export class InvalidAccessTokenError extends Error {
  constructor(
    readonly reason: InvalidAccessTokenReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvalidAccessTokenError';
  }
}
