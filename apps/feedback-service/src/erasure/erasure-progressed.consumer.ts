import type { CloudEvent, PatientErasureProgressedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ErasureService } from './erasure.service';

/** Collects each service's report on the erasure requests this service made. */
@Controller()
export class ErasureProgressedConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly erasure: ErasureService,
  ) {}

  @EventPattern(EventTypes.PatientErasureProgressed)
  progressed(@Payload() event: CloudEvent<PatientErasureProgressedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'erasure-progress', (manager) =>
      this.erasure.recordProgress(manager, event.data),
    );
  }
}
