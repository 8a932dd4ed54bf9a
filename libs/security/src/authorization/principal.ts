import type { AccessTokenClaims } from '../tokens/access-token.claims';
import { isRole, PlatformRole } from './roles';
import type { Role } from './roles';

/**
 * Who is calling, in which organization. A staff member has `userId`; an integration client
 * (client credentials) has `clientId` and scopes instead of roles.
 */
export interface Principal {
  userId?: string;
  clientId?: string;
  /** The active organization: the tenant every query of this request is scoped to. */
  orgId: string;
  roles: readonly Role[];
  scopes: readonly string[];
}

/** Roles this service does not know are dropped, so a typo in auth-service grants nothing. */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  const principal: Principal = {
    orgId: claims.org,
    roles: claims.roles.filter(isRole),
    scopes: claims.scopes ?? [],
  };
  if (claims.clientId !== undefined) principal.clientId = claims.clientId;
  else principal.userId = claims.sub;
  return principal;
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.includes(PlatformRole.PlatformAdmin);
}
