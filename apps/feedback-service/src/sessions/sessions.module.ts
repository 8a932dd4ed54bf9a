import { Module } from '@nestjs/common';
import { OptOutsModule } from '../opt-outs/opt-outs.module';
import { ProjectionsModule } from '../projections/projections.module';
import { AppointmentCompletedConsumer } from './appointment-completed.consumer';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Sessions from completed appointments; the keys come from the global FeedbackKeysModule. */
@Module({
  imports: [ProjectionsModule, OptOutsModule],
  controllers: [AppointmentCompletedConsumer],
  providers: [SessionsService, SessionsRepository],
  exports: [SessionsRepository],
})
export class SessionsModule {}
