import { decideRefresh } from './refresh-family';
import type { RefreshTokenState } from './refresh-family';

const now = new Date('2026-01-10T12:00:00Z');
const later = new Date('2026-01-11T12:00:00Z');
const earlier = new Date('2026-01-09T12:00:00Z');

const state = (overrides: Partial<RefreshTokenState> = {}): RefreshTokenState => ({
  tokenStatus: 'active',
  tokenExpiresAt: later,
  familyRevoked: false,
  familyExpiresAt: later,
  ...overrides,
});

describe(decideRefresh.name, () => {
  it.each<[string, RefreshTokenState, ReturnType<typeof decideRefresh>]>([
    ['the newest valid token', state(), 'rotate'],
    ['a used token (reuse)', state({ tokenStatus: 'used' }), 'revoke-family'],
    [
      'a used token even when expired',
      state({ tokenStatus: 'used', tokenExpiresAt: earlier }),
      'revoke-family',
    ],
    ['a token of a revoked family', state({ familyRevoked: true }), 'refuse'],
    [
      'a reused token of a revoked family',
      state({ familyRevoked: true, tokenStatus: 'used' }),
      'refuse',
    ],
    ['an expired token', state({ tokenExpiresAt: earlier }), 'refuse'],
    ['a token of an expired family', state({ familyExpiresAt: earlier }), 'refuse'],
    ['a token expiring exactly now', state({ tokenExpiresAt: now }), 'refuse'],
  ])('should decide for %s', (_case, given, expected) => {
    expect(decideRefresh(given, now)).toBe(expected);
  });
});
