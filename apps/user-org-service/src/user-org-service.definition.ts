import type { ServiceBootstrapOptions } from '@careloop/runtime';
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
  features: () => [OrganizationsModule, MembershipsModule, OrgStructureModule],
};
