import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { IdentityRegisteredConsumer } from './identity-registered.consumer';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [IdentitiesModule, MembershipsModule],
  controllers: [OrganizationsController, IdentityRegisteredConsumer],
  providers: [OrganizationsService, OrganizationsRepository],
  exports: [OrganizationsRepository],
})
export class OrganizationsModule {}
