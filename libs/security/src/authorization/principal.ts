import type { AccessTokenClaims } from '../tokens/access-token.claims';
import { isRole, PlatformRole } from './roles';
import type { Role } from './roles';

/**
 * Whoever presented a valid access token. A staff member has `userId`; an integration client
 * (client credentials) has `clientId` and scopes instead of roles. `orgId` is the active
 * organization, absent while a user belongs to none (an invitee before accepting).
 */
export interface AuthenticatedCaller {
  userId?: string;
  clientId?: string;
  orgId?: string;
  roles: readonly Role[];
  scopes: readonly string[];
}

/** A caller acting in an organization: the tenant every query of the request is scoped to. */
export interface Principal extends AuthenticatedCaller {
  orgId: string;
}

/** Roles this service does not know are dropped, so a typo in auth-service grants nothing. */
export function callerFromClaims(claims: AccessTokenClaims): AuthenticatedCaller {
  const caller: AuthenticatedCaller = {
    roles: claims.roles.filter(isRole),
    scopes: claims.scopes ?? [],
  };
  if (claims.org !== undefined) caller.orgId = claims.org;
  if (claims.clientId !== undefined) caller.clientId = claims.clientId;
  else caller.userId = claims.sub;
  return caller;
}

export function hasOrganization(caller: AuthenticatedCaller): caller is Principal {
  return caller.orgId !== undefined;
}

export function isPlatformAdmin(caller: AuthenticatedCaller): boolean {
  return caller.roles.includes(PlatformRole.PlatformAdmin);
}
