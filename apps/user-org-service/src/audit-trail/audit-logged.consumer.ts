import type { AuditLoggedV1, CloudEvent } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuditEntriesService } from './audit-entries.service';

@Controller()
export class AuditLoggedConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly auditEntries: AuditEntriesService,
  ) {}

  @EventPattern(EventTypes.AuditLogged)
  auditLogged(@Payload() event: CloudEvent<AuditLoggedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'audit-trail', (manager) =>
      this.auditEntries.keep(manager, event),
    );
  }
}
