import type {
  CloudEvent,
  OrgCreatedV1,
  OrgMembershipGrantedV1,
  OrgMembershipRevokedV1,
  OrgSettingsUpdatedV1,
} from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MembershipsService } from './memberships.service';

@Controller()
export class MembershipsConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly memberships: MembershipsService,
  ) {}

  @EventPattern(EventTypes.OrgMembershipGranted)
  membershipGranted(@Payload() event: CloudEvent<OrgMembershipGrantedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'memberships', (manager) =>
      this.memberships.applyGranted(manager, event.data),
    );
  }

  @EventPattern(EventTypes.OrgMembershipRevoked)
  membershipRevoked(@Payload() event: CloudEvent<OrgMembershipRevokedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'memberships', (manager) =>
      this.memberships.applyRevoked(manager, event.data),
    );
  }

  @EventPattern(EventTypes.OrgCreated)
  orgCreated(@Payload() event: CloudEvent<OrgCreatedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'org-security-policy', (manager) =>
      this.memberships.applyOrgCreated(manager, event.data),
    );
  }

  @EventPattern(EventTypes.OrgSettingsUpdated)
  settingsUpdated(@Payload() event: CloudEvent<OrgSettingsUpdatedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'org-security-policy', (manager) =>
      this.memberships.applySettingsUpdated(manager, event.data),
    );
  }
}
