import type { CloudEvent, SurveyResponseSubmittedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AlertsService } from './alerts.service';

/**
 * Alerts are raised from the event, not inside the submission: the patient's submit stays one
 * statement on the hot path, and a rule added later can be applied by replaying the topic.
 */
@Controller()
export class ResponseSubmittedConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly alerts: AlertsService,
  ) {}

  @EventPattern(EventTypes.SurveyResponseSubmitted)
  async responseSubmitted(
    @Payload() event: CloudEvent<SurveyResponseSubmittedV1>,
  ): Promise<HandlerOutcome> {
    // Most responses fire no rule: judged from the cached rules, they cost no transaction.
    if (!(await this.alerts.mayRaise(event.data))) return 'skipped';
    return this.inbox.once(event, 'alerts', (manager) =>
      this.alerts.evaluateResponse(manager, event.data),
    );
  }
}
