import type { CloudEvent, PatientErasureRequestedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PatientErasureService } from './patient-erasure.service';

/** A redelivered request is absorbed by the inbox: one erasure, one report. */
@Controller()
export class PatientErasureConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly erasure: PatientErasureService,
  ) {}

  @EventPattern(EventTypes.PatientErasureRequested)
  erasureRequested(
    @Payload() event: CloudEvent<PatientErasureRequestedV1>,
  ): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'patient-erasure', (manager) =>
      this.erasure.erase(manager, event.data),
    );
  }
}
