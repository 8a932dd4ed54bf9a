import {
  hashInvitationToken,
  invitationExpiry,
  invitationStatus,
  isWellFormedInvitationToken,
  newInvitationToken,
  organizationOfInvitationToken,
} from './invitation-token';

const orgId = '0b6e4f00-1c2d-4e3f-8a9b-0c1d2e3f4a5b';

describe('invitation token', () => {
  it('should issue a well-formed token whose hash is the SHA-256 of it', () => {
    const { token, hash } = newInvitationToken(orgId);

    expect(isWellFormedInvitationToken(token)).toBe(true);
    expect(organizationOfInvitationToken(token)).toBe(orgId);
    expect(hash).toEqual(hashInvitationToken(token));
    expect(hash).toHaveLength(32);
  });

  it('should issue a different token every time', () => {
    expect(newInvitationToken(orgId).token).not.toBe(newInvitationToken(orgId).token);
  });

  it.each([
    '',
    'short',
    'a'.repeat(43),
    `${orgId}.${'a'.repeat(44)}`,
    `${orgId}.${'a'.repeat(42)}=`,
    `${orgId}.${'a'.repeat(42)}/`,
    `not-an-org.${'a'.repeat(43)}`,
  ])('should not take %p for a token', (token) => {
    expect(isWellFormedInvitationToken(token)).toBe(false);
    expect(organizationOfInvitationToken(token)).toBeUndefined();
  });
});

describe(invitationStatus.name, () => {
  const createdAt = new Date('2024-01-10T09:00:00Z');
  const expiresAt = invitationExpiry(createdAt, 168);
  const open = { expiresAt, acceptedAt: null, revokedAt: null };

  it('should expire seven days after creation by default', () => {
    expect(expiresAt.toISOString()).toBe('2024-01-17T09:00:00.000Z');
  });

  it.each([
    ['a minute before expiry', open, '2024-01-17T08:59:00Z', 'pending'],
    ['at the expiry instant', open, '2024-01-17T09:00:00Z', 'expired'],
    ['after expiry', open, '2024-02-01T00:00:00Z', 'expired'],
    [
      'accepted, even after expiry',
      { ...open, acceptedAt: createdAt },
      '2024-02-01T00:00:00Z',
      'accepted',
    ],
    ['revoked before expiry', { ...open, revokedAt: createdAt }, '2024-01-11T00:00:00Z', 'revoked'],
  ] as const)('should call an invitation %s %s', (_case, invitation, now, status) => {
    expect(invitationStatus(invitation, new Date(now))).toBe(status);
  });
});
