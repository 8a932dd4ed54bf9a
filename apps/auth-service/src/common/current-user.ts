import type { AuthenticatedCaller } from '@careloop/security';
import { userRequired } from '../sessions/sessions.errors';

/** The caller as a user: integration clients hold no identity and cannot use user routes. */
export function requireUser(caller: AuthenticatedCaller): { userId: string; orgId?: string } {
  if (!caller.userId || caller.clientId) throw userRequired();
  return caller.orgId ? { userId: caller.userId, orgId: caller.orgId } : { userId: caller.userId };
}
