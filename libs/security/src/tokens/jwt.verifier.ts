import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose';
import { readAccessTokenClaims } from './access-token.claims';
import type { AccessTokenClaims } from './access-token.claims';
import { InvalidAccessTokenError } from './invalid-access-token.error';
import type { InvalidAccessTokenReason } from './invalid-access-token.error';
import { jose } from './jose.loader';

export interface JwtVerifierOptions {
  issuer: string;
  audience: string | readonly string[];
  /** Allowed clock skew between auth-service and this service. Default 5 s. */
  clockToleranceSeconds?: number;
}

export interface RemoteJwksOptions {
  /**
   * Minimum time between JWKS fetches triggered by an unknown `kid`, so a flood of forged kids
   * cannot turn this service into a load generator against auth-service. Default 30 s.
   */
  cooldownMs?: number;
  /** Keys are refetched after this age even when every kid is known (picks up revocations). Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Default 5 s. */
  fetchTimeoutMs?: number;
}

/**
 * Only RS256, as auth-service signs. An allow-list of one closes `alg: none` and the HS256
 * confusion attack (an HMAC "signed" with the public key) before any key is looked up.
 */
const ALLOWED_ALGORITHMS = ['RS256'];

const reasonByJoseCode: Readonly<Record<string, InvalidAccessTokenReason>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'unsupported_algorithm',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported_algorithm',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'unknown_key',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'invalid_signature',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'invalid_claims',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWKS_TIMEOUT: 'keys_unavailable',
  ERR_JWKS_INVALID: 'keys_unavailable',
};

function translate(error: unknown): InvalidAccessTokenError {
  if (error instanceof InvalidAccessTokenError) return error;
  if (error instanceof jose.errors.JOSEError) {
    let reason = reasonByJoseCode[error.code] ?? 'malformed';
    if (error instanceof jose.errors.JWTClaimValidationFailed && error.claim === 'nbf')
      reason = 'not_yet_valid';
    return new InvalidAccessTokenError(reason, error.message, { cause: error });
  }
  // Anything else comes from fetching the JWKS (network, HTTP status, JSON).
  const message = error instanceof Error ? error.message : String(error);
  return new InvalidAccessTokenError('keys_unavailable', `cannot load signing keys: ${message}`, {
    cause: error,
  });
}

/**
 * Verifies CareLoop access tokens: RS256 signature against auth-service's JWKS, `iss`, `aud`,
 * `exp` (required), `nbf` (when present), a `kid` header, then the CareLoop claims.
 * Every failure is an `InvalidAccessTokenError` with a reason.
 */
export class JwtVerifier {
  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly options: JwtVerifierOptions,
  ) {}

  /**
   * Keys from auth-service's `/.well-known/jwks.json`, cached in memory and refetched when a token
   * names an unknown `kid` (key rotation), at most once per cooldown.
   */
  static fromJwksUrl(
    url: string | URL,
    options: JwtVerifierOptions & RemoteJwksOptions,
  ): JwtVerifier {
    const keys = jose.createRemoteJWKSet(new URL(url), {
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      timeoutDuration: options.fetchTimeoutMs ?? 5_000,
    });
    return new JwtVerifier(keys, options);
  }

  /** Keys given in full, for tests and for services that receive the JWKS by configuration. */
  static fromJwks(jwks: JSONWebKeySet, options: JwtVerifierOptions): JwtVerifier {
    return new JwtVerifier(jose.createLocalJWKSet(jwks), options);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      const result = await jose.jwtVerify(token, this.keyFor, {
        issuer: this.options.issuer,
        audience:
          typeof this.options.audience === 'string'
            ? this.options.audience
            : [...this.options.audience],
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp', 'sub'],
      });
      payload = result.payload;
    } catch (error) {
      throw translate(error);
    }
    return readAccessTokenClaims(payload);
  }

  /**
   * Auth-service always names the key; without a `kid` the key set would fall back to "any key of
   * the right type", which defeats the point of rotating keys by id.
   */
  private readonly keyFor: JWTVerifyGetKey = (header, token) => {
    if (typeof header.kid !== 'string' || header.kid.length === 0) {
      throw new InvalidAccessTokenError('malformed', 'token header has no kid');
    }
    return this.keys(header, token);
  };
}
