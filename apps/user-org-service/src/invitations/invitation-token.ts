import { createHash, randomBytes } from 'node:crypto';

const tokenPattern =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/;

/**
 * The credential in an invitation link: `<orgId>.<256 random bits, base64url>`. The org id in
 * front is no secret; it lets the accept step bind the tenant before it looks anything up, so
 * invitations stay behind row-level security with no org-less index of tokens.
 */
export function newInvitationToken(orgId: string): { token: string; hash: Buffer } {
  const token = `${orgId.toLowerCase()}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashInvitationToken(token) };
}

/** The organization a well-formed token names; undefined for anything this service never issued. */
export function organizationOfInvitationToken(token: string): string | undefined {
  return tokenPattern.exec(token)?.[1];
}

/** Only this is stored; the token itself leaves once, in the 201 and the event. */
export function hashInvitationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Anything else cannot be a token this service issued; answered like an unknown one. */
export function isWellFormedInvitationToken(token: string): boolean {
  return tokenPattern.test(token);
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationLifecycle {
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

/** Accepted and revoked are final; a pending invitation expires at `expiresAt` (exclusive). */
export function invitationStatus(invitation: InvitationLifecycle, now: Date): InvitationStatus {
  if (invitation.acceptedAt !== null) return 'accepted';
  if (invitation.revokedAt !== null) return 'revoked';
  return now.getTime() < invitation.expiresAt.getTime() ? 'pending' : 'expired';
}

export function invitationExpiry(createdAt: Date, ttlHours: number): Date {
  return new Date(createdAt.getTime() + ttlHours * 3_600_000);
}
