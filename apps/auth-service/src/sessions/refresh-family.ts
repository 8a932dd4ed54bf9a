/** What the database holds about a presented refresh token and its family. */
export interface RefreshTokenState {
  tokenStatus: 'active' | 'used';
  tokenExpiresAt: Date;
  familyRevoked: boolean;
  familyExpiresAt: Date;
}

/**
 * - `rotate`: the token is the family's newest and valid: mark it used, issue its successor.
 * - `revoke-family`: a used token came back. Either the legitimate client or a thief holds a
 *   copy, and the server cannot tell which: revoke the whole family (RFC 9700 §4.14.2).
 * - `refuse`: expired or already revoked; nothing changes.
 */
export type RefreshDecision = 'rotate' | 'revoke-family' | 'refuse';

export function decideRefresh(state: RefreshTokenState, now: Date): RefreshDecision {
  if (state.familyRevoked) return 'refuse';
  if (state.tokenStatus === 'used') return 'revoke-family';
  if (state.tokenExpiresAt <= now || state.familyExpiresAt <= now) return 'refuse';
  return 'rotate';
}
