import type { CloudEvent } from '@careloop/contracts';
import { ALL_EVENT_TYPES } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventActivityService } from './event-activity.service';

@Controller()
export class EventActivityConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly activity: EventActivityService,
  ) {}

  @EventPattern([...ALL_EVENT_TYPES])
  eventHappened(@Payload() event: CloudEvent<unknown>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'event-activity', (manager) =>
      this.activity.record(manager, event),
    );
  }
}
