import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { AuditTrailModule } from './audit-trail/audit-trail.module';
import { InvitationsModule } from './invitations/invitations.module';
import { MembershipsModule } from './memberships/memberships.module';
import { migrations } from './migrations';
import { OrganizationsModule } from './organizations/organizations.module';
import { OrgStructureModule } from './org-structure/org-structure.module';
import { UserOrgEnvironment } from './user-org.environment';

export const userOrgService: ServiceBootstrapOptions<UserOrgEnvironment> = {
  name: 'user-org-service',
  description:
    'Organizations, settings, sites, providers, memberships, invitations and the audit trail',
  environmentClass: UserOrgEnvironment,
  migrations,
  features: (environment) => [
    OrganizationsModule,
    MembershipsModule,
    OrgStructureModule,
    InvitationsModule.register({
      publicWebUrl: environment.PUBLIC_WEB_URL,
      ttlHours: environment.INVITATION_TTL_HOURS,
    }),
    AuditTrailModule,
  ],
};
