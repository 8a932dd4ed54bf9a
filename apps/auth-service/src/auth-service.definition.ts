import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { AuthEnvironment } from './auth.environment';
import { AuthCommonModule } from './common/auth-common.module';
import { MembershipsModule } from './memberships/memberships.module';
import { MfaModule } from './mfa/mfa.module';
import { OauthClientsModule } from './oauth-clients/oauth-clients.module';
import { SessionsModule } from './sessions/sessions.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { migrations } from './migrations';

export const authService: ServiceBootstrapOptions<AuthEnvironment> = {
  name: 'auth-service',
  description:
    'Identities, password hashes, MFA, refresh-token families, integration clients and signing keys',
  environmentClass: AuthEnvironment,
  migrations,
  features: (environment) => [
    AuthCommonModule.forRoot(environment),
    SigningKeysModule,
    MembershipsModule,
    MfaModule,
    SessionsModule,
    OauthClientsModule,
  ],
};
