import type {
  OrgCreatedV1,
  OrgSettingsUpdatedV1,
  SurveyArchivedV1,
  SurveyPublishedV1,
} from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProjectionsRepository } from './projections.repository';

/** `org.created` carries the first settings; every `org.settings.updated` has revision 1 or more. */
const CREATED_REVISION = 0;

/** Applies the events other services publish to the local projections sessions are decided on. */
@Injectable()
export class ProjectionsService {
  constructor(private readonly projections: ProjectionsRepository) {}

  async surveyPublished(manager: EntityManager, data: SurveyPublishedV1): Promise<void> {
    await this.projections.saveVersion(manager, data.orgId, data);
  }

  async surveyArchived(manager: EntityManager, data: SurveyArchivedV1): Promise<void> {
    await this.projections.archive(manager, data.orgId, data);
  }

  async orgCreated(manager: EntityManager, data: OrgCreatedV1): Promise<void> {
    await this.projections.saveSettings(manager, data.orgId, CREATED_REVISION, data.settings);
  }

  async orgSettingsUpdated(manager: EntityManager, data: OrgSettingsUpdatedV1): Promise<void> {
    await this.projections.saveSettings(manager, data.orgId, data.revision, data.settings);
  }
}
