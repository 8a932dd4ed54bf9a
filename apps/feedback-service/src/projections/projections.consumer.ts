import type {
  CloudEvent,
  OrgCreatedV1,
  OrgSettingsUpdatedV1,
  SurveyArchivedV1,
  SurveyPublishedV1,
} from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { HandlerOutcome } from '@careloop/messaging';
import { InboxRunner } from '@careloop/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ProjectionsService } from './projections.service';

/** Each projection applies an event at most once (inbox), so a redelivery or replay is harmless. */
@Controller()
export class ProjectionsConsumer {
  constructor(
    private readonly inbox: InboxRunner,
    private readonly projections: ProjectionsService,
  ) {}

  @EventPattern(EventTypes.SurveyPublished)
  surveyPublished(@Payload() event: CloudEvent<SurveyPublishedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'survey-versions', (manager) =>
      this.projections.surveyPublished(manager, event.data),
    );
  }

  @EventPattern(EventTypes.SurveyArchived)
  surveyArchived(@Payload() event: CloudEvent<SurveyArchivedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'survey-versions', (manager) =>
      this.projections.surveyArchived(manager, event.data),
    );
  }

  @EventPattern(EventTypes.OrgCreated)
  orgCreated(@Payload() event: CloudEvent<OrgCreatedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'org-settings', (manager) =>
      this.projections.orgCreated(manager, event.data),
    );
  }

  @EventPattern(EventTypes.OrgSettingsUpdated)
  orgSettingsUpdated(@Payload() event: CloudEvent<OrgSettingsUpdatedV1>): Promise<HandlerOutcome> {
    return this.inbox.once(event, 'org-settings', (manager) =>
      this.projections.orgSettingsUpdated(manager, event.data),
    );
  }
}
