import type { CloudEvent, IdentityRegisteredV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OrganizationsService } from './organizations.service';

@Controller()
export class IdentityRegisteredConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly organizations: OrganizationsService,
  ) {}

  @EventPattern(EventTypes.IdentityRegistered)
  identityRegistered(@Payload() event: CloudEvent<IdentityRegisteredV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'organizations', (manager) =>
      this.organizations.onIdentityRegistered(manager, event.data),
    );
  }
}
