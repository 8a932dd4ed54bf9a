import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { MfaController } from './mfa.controller';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';

@Module({
  imports: [IdentitiesModule, MembershipsModule],
  controllers: [MfaController],
  providers: [MfaService, MfaRepository],
  exports: [MfaService],
})
export class MfaModule {}
