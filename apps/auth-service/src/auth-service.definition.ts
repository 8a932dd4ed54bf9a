import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';

export const authService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'auth-service',
  description:
    'Identities, password hashes, MFA, refresh-token families, integration clients and signing keys',
  environmentClass: ServiceEnvironment,
  migrations,
};
