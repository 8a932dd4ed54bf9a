import { createParamDecorator, SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { AuthenticatedCaller, Principal } from './principal';
import { callerOfRequest, principalOfRequest } from './request-principal';
import type { Role } from './roles';
import { AccessDeniedException, AuthenticationRequiredException } from './security.exceptions';

export const IS_PUBLIC_KEY = 'careloop:isPublic';
export const ROLES_KEY = 'careloop:roles';
export const SCOPES_KEY = 'careloop:scopes';
export const WITHOUT_ORGANIZATION_KEY = 'careloop:withoutOrganization';

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

/**
 * Opens a route to callers whose token names no organization yet (an invitee accepting, a user
 * choosing an org). Every other non-public route refuses them, so tenant code always has an org.
 */
export const WithoutOrganization = (): MethodDecorator & ClassDecorator =>
  SetMetadata(WITHOUT_ORGANIZATION_KEY, true);

/** The verified caller acting in its active organization; 401 without a token, 403 without an org. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<object>();
    const principal = principalOfRequest(request);
    if (principal) return principal;
    if (callerOfRequest(request)) throw new AccessDeniedException(NO_ORGANIZATION_DETAIL);
    throw new AuthenticationRequiredException();
  },
);

/** The verified caller, with or without an organization: for `@WithoutOrganization()` routes. */
export const CurrentIdentity = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedCaller => {
    const caller = callerOfRequest(context.switchToHttp().getRequest<object>());
    if (!caller) throw new AuthenticationRequiredException();
    return caller;
  },
);

export const NO_ORGANIZATION_DETAIL =
  'The access token names no organization; switch to an organization first';
