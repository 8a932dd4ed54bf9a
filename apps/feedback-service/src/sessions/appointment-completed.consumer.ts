import type { AppointmentCompletedV1, CloudEvent } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SessionsService } from './sessions.service';

/**
 * The one consumer of `appointment.completed`, whether the HTTP intake or a clinic's own producer
 * put it on Kafka. The inbox absorbs a redelivered event; the (org, appointment) key absorbs the
 * same appointment sent again under a new event id.
 */
@Controller()
export class AppointmentCompletedConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly sessions: SessionsService,
  ) {}

  @EventPattern(EventTypes.AppointmentCompleted)
  appointmentCompleted(
    @Payload() event: CloudEvent<AppointmentCompletedV1>,
  ): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'sessions', async (manager) => {
      const decision = await this.sessions.openFromAppointment(manager, event.data);
      return decision.outcome === 'created' ? 'processed' : 'skipped';
    });
  }
}
