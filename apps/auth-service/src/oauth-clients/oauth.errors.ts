/** RFC 6749 §5.2 error codes of the token endpoint. */
export type OauthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/**
 * A token-endpoint refusal, answered as RFC 6749 §5.2 says (`{error, error_description}`), not
 * as problem+json: OAuth client libraries parse exactly that shape.
 */
export class OauthError extends Error {
  constructor(
    readonly error: OauthErrorCode,
    readonly description: string,
    /** invalid_client with HTTP Basic credentials answers 401 with a challenge (§5.2). */
    readonly basicChallenge = false,
  ) {
    super(description);
    this.name = 'OauthError';
  }

  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}
