import { OrgRole } from '@careloop/security';

/** Every role of an organization: routes any member may read. */
export const ANY_ORG_ROLE = [
  OrgRole.OrgAdmin,
  OrgRole.SurveyEditor,
  OrgRole.Analyst,
  OrgRole.Viewer,
] as const;
