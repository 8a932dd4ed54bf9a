/**
 * Security for CareLoop services: access-token verification (RS256 via auth-service's JWKS),
 * global guards and decorators, roles, the tenant context, and PII encryption with blind indexes.
 *
 * ```ts
 * // app.module.ts
 * SecurityModule.forRoot({ jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER, audience: 'careloop' }),
 *
 * // a controller
 * @Roles(OrgRole.OrgAdmin, OrgRole.SurveyEditor)
 * @Post() create(@CurrentPrincipal() caller: Principal, @Body() dto: CreateSurveyDto) { … }
 *
 * @Public() @Get('/r/:token') …                         // respondent, health, docs
 * @RequireScopes(IntegrationScope.AppointmentsWrite) … // integration clients
 *
 * // a repository or the persistence layer
 * const orgId = TenantContext.requireOrgId();
 * ```
 */
export * from './authorization/roles';
export * from './authorization/principal';
export * from './authorization/security.decorators';
export * from './authorization/security.exceptions';
export * from './authorization/access-token.guard';
export * from './authorization/roles.guard';
export { callerOfRequest, principalOfRequest } from './authorization/request-principal';
export * from './tenancy/request.context';
export * from './tenancy/tenant.context';
export * from './tenancy/request-scope';
export * from './tokens/access-token.claims';
export * from './tokens/invalid-access-token.error';
export * from './tokens/jwt.verifier';
export * from './crypto/pii-keys';
export * from './crypto/blind-index';
export * from './crypto/pii.cipher';
export * from './security.module';
export { jose } from './tokens/jose.loader';
