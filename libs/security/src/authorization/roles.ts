/** Roles a member holds in one organization (DESIGN §3). */
export const OrgRole = {
  OrgAdmin: 'org_admin',
  SurveyEditor: 'survey_editor',
  Analyst: 'analyst',
  Viewer: 'viewer',
} as const;
export type OrgRole = (typeof OrgRole)[keyof typeof OrgRole];

/** Roles of CareLoop's own operators, valid across organizations. */
export const PlatformRole = {
  PlatformAdmin: 'platform_admin',
} as const;
export type PlatformRole = (typeof PlatformRole)[keyof typeof PlatformRole];

export type Role = OrgRole | PlatformRole;

export const ORG_ROLES: readonly OrgRole[] = Object.values(OrgRole);
export const ROLES: readonly Role[] = [...ORG_ROLES, ...Object.values(PlatformRole)];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isOrgRole(value: unknown): value is OrgRole {
  return typeof value === 'string' && (ORG_ROLES as readonly string[]).includes(value);
}

/** OAuth scopes granted to integration clients (client credentials); checked by `@RequireScopes`. */
export const IntegrationScope = {
  AppointmentsWrite: 'appointments:write',
} as const;
export type IntegrationScope = (typeof IntegrationScope)[keyof typeof IntegrationScope];
