import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';

export const userOrgService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'user-org-service',
  description:
    'Organizations, settings, sites, providers, memberships, invitations and the audit trail',
  environmentClass: ServiceEnvironment,
  migrations,
};
