import { Module } from '@nestjs/common';
import { ProjectionsConsumer } from './projections.consumer';
import { ProjectionsRepository } from './projections.repository';
import { ProjectionsService } from './projections.service';
import { SurveyVersionCache } from './survey-version.cache';

/** Survey versions and org settings, kept from survey-service's and user-org-service's events. */
@Module({
  controllers: [ProjectionsConsumer],
  providers: [ProjectionsService, ProjectionsRepository, SurveyVersionCache],
  exports: [ProjectionsRepository, SurveyVersionCache],
})
export class ProjectionsModule {}
