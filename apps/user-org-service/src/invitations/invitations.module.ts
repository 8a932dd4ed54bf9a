import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import type { InvitationOptions } from './invitations.service';
import { INVITATION_OPTIONS, InvitationsService } from './invitations.service';

@Module({})
export class InvitationsModule {
  static register(options: InvitationOptions): DynamicModule {
    return {
      module: InvitationsModule,
      imports: [IdentitiesModule, MembershipsModule],
      controllers: [InvitationsController],
      providers: [
        InvitationsService,
        InvitationsRepository,
        OrganizationsRepository,
        { provide: INVITATION_OPTIONS, useValue: options },
      ],
    };
  }
}
