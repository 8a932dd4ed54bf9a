import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isPlatformAdmin } from './principal';
import type { AuthenticatedCaller } from './principal';
import { attachCaller, callerOfRequest } from './request-principal';
import type { Role } from './roles';
import {
  IS_PUBLIC_KEY,
  NO_ORGANIZATION_DETAIL,
  ROLES_KEY,
  SCOPES_KEY,
  WITHOUT_ORGANIZATION_KEY,
} from './security.decorators';
import { AccessDeniedException, AuthenticationRequiredException } from './security.exceptions';

interface RequestWithParams {
  params?: Record<string, string | undefined>;
}

export interface AccessRequirements {
  roles?: readonly Role[];
  scopes?: readonly string[];
}

/**
 * The authorization rule, apart from Nest so it can be read and tested on its own:
 * - with no requirement, any authenticated caller passes;
 * - `platform_admin` satisfies any role requirement;
 * - roles: any one listed; scopes: all listed;
 * - with both declared, either suffices: a route open to staff (roles) and to integration
 *   clients (scopes) would otherwise admit neither, since user tokens carry no scopes and client
 *   tokens no roles.
 */
export function isAllowed(
  principal: AuthenticatedCaller,
  requirements: AccessRequirements,
): boolean {
  const { roles, scopes } = requirements;
  if (!roles && !scopes) return true;
  if (roles && (isPlatformAdmin(principal) || roles.some((role) => principal.roles.includes(role))))
    return true;
  return scopes !== undefined && scopes.every((scope) => principal.scopes.includes(scope));
}

/**
 * Global guard after `AccessTokenGuard`: applies `@Roles()` / `@RequireScopes()`, and refuses a
 * route that names an organization (`:orgId`) other than the token's active one, because the
 * token's roles hold in that organization only. A platform admin may address any organization,
 * which then becomes the request's tenant. A caller without an organization passes only
 * `@WithoutOrganization()` routes.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<RequestWithParams>();
    const caller = callerOfRequest(request);
    if (!caller) throw new AuthenticationRequiredException();

    const pathOrgId = request.params?.['orgId'];
    if (pathOrgId !== undefined && pathOrgId !== caller.orgId) {
      if (!isPlatformAdmin(caller)) {
        throw new AccessDeniedException('The access token is not for this organization');
      }
      attachCaller(request, { ...caller, orgId: pathOrgId });
    } else if (caller.orgId === undefined) {
      const withoutOrganization = this.reflector.getAllAndOverride<boolean | undefined>(
        WITHOUT_ORGANIZATION_KEY,
        targets,
      );
      if (!withoutOrganization) throw new AccessDeniedException(NO_ORGANIZATION_DETAIL);
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
    const requirements: AccessRequirements = {
      ...(roles ? { roles } : {}),
      ...(scopes ? { scopes } : {}),
    };
    if (!isAllowed(caller, requirements)) throw new AccessDeniedException();
    return true;
  }
}
