import { Module } from '@nestjs/common';
import { OptOutsModule } from '../opt-outs/opt-outs.module';
import { ProjectionsModule } from '../projections/projections.module';
import { DraftSyncService } from './draft-sync.service';
import { DraftStore } from './draft.store';
import { RespondentController } from './respondent.controller';
import { RespondentRepository } from './respondent.repository';
import { RespondentService } from './respondent.service';
import { SubmissionWriter } from './submission.writer';

/** `/r/{token}`: survey, draft, submit, opt-out; drafts in Redis, synced to Postgres. */
@Module({
  imports: [ProjectionsModule, OptOutsModule],
  controllers: [RespondentController],
  providers: [
    RespondentService,
    RespondentRepository,
    SubmissionWriter,
    DraftStore,
    DraftSyncService,
  ],
})
export class RespondentModule {}
