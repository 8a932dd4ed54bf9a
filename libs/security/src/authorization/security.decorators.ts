import { createParamDecorator, SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';
import { principalOfRequest } from './request-principal';
import type { Role } from './roles';
import { AuthenticationRequiredException } from './security.exceptions';

export const IS_PUBLIC_KEY = 'careloop:isPublic';
export const ROLES_KEY = 'careloop:roles';
export const SCOPES_KEY = 'careloop:scopes';

/**
 * Opts a route or controller out of the global access-token guard: health, metrics, docs and the
 * respondent pages (whose credential is the signed link, checked by feedback-service itself).
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Any one of these roles in the caller's active organization; `platform_admin` always passes. */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** All of these scopes, for integration clients (client-credentials tokens). */
export const RequireScopes = (...scopes: [string, ...string[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(SCOPES_KEY, scopes);

/** The verified caller; on a `@Public()` route without a token this answers 401. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOfRequest(context.switchToHttp().getRequest<object>());
    if (!principal) throw new AuthenticationRequiredException();
    return principal;
  },
);
