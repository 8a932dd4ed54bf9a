import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { AuthEnvironment } from '../auth.environment';
import { AuthSettings } from './auth-settings';
import { SecretSealer } from './secret-sealer';

/** Settings and the secret sealer, shared by every auth feature. */
@Global()
@Module({})
export class AuthCommonModule {
  static forRoot(environment: AuthEnvironment): DynamicModule {
    return {
      module: AuthCommonModule,
      providers: [{ provide: AuthSettings, useValue: new AuthSettings(environment) }, SecretSealer],
      exports: [AuthSettings, SecretSealer],
    };
  }
}
