import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { LoginThrottleModule } from '../login-throttle/login-throttle.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { MfaModule } from '../mfa/mfa.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionTokensService } from './session-tokens.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [IdentitiesModule, MembershipsModule, MfaModule, SigningKeysModule, LoginThrottleModule],
  controllers: [SessionsController],
  providers: [SessionsService, SessionTokensService, RefreshTokensRepository],
})
export class SessionsModule {}
