import type { JWTPayload } from 'jose';
import { InvalidAccessTokenError } from './invalid-access-token.error';

/**
 * What CareLoop reads from a verified access token. Issued by auth-service:
 * `sub` (user id, or the client id for client credentials), `org` (the active organization; absent
 * for a user who belongs to no organization yet, e.g. an invitee who signed up to accept),
 * `roles` (in that organization), `scope` (space-separated, RFC 9068) or `scopes` (array) for
 * integration clients, `client_id` for client-credentials tokens.
 */
export interface AccessTokenClaims {
  sub: string;
  org?: string;
  roles: string[];
  scopes?: string[];
  clientId?: string;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function nonEmptyString(payload: JWTPayload, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidAccessTokenError(
      'invalid_claims',
      `claim ${claim} is missing or not a string`,
    );
  }
  return value;
}

function scopesOf(payload: JWTPayload): string[] | undefined {
  const scope = payload['scope'];
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s.length > 0);
  const scopes = payload['scopes'];
  if (scopes === undefined && scope === undefined) return undefined;
  if (isStringArray(scopes)) return scopes;
  throw new InvalidAccessTokenError('invalid_claims', 'claim scope/scopes is malformed');
}

/** Reads the CareLoop claims from a payload whose signature and standard claims are already verified. */
export function readAccessTokenClaims(payload: JWTPayload): AccessTokenClaims {
  const roles = payload['roles'] ?? [];
  if (!isStringArray(roles))
    throw new InvalidAccessTokenError('invalid_claims', 'claim roles is not a string array');
  const claims: AccessTokenClaims = { sub: nonEmptyString(payload, 'sub'), roles };
  if (payload['org'] !== undefined) claims.org = nonEmptyString(payload, 'org');
  const scopes = scopesOf(payload);
  if (scopes !== undefined) claims.scopes = scopes;
  if (payload['client_id'] !== undefined) claims.clientId = nonEmptyString(payload, 'client_id');
  return claims;
}
