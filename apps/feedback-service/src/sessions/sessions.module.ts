import { Module } from '@nestjs/common';
import { OptOutsModule } from '../opt-outs/opt-outs.module';
import { ProjectionsModule } from '../projections/projections.module';
import { AppointmentCompletedConsumer } from './appointment-completed.consumer';
import { SessionExpiryRepository } from './session-expiry.repository';
import { SessionExpiryService } from './session-expiry.service';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * Sessions from completed appointments, and the announcement of their expiry; the keys come from
 * the global FeedbackKeysModule.
 */
@Module({
  imports: [ProjectionsModule, OptOutsModule],
  controllers: [AppointmentCompletedConsumer],
  providers: [SessionsService, SessionsRepository, SessionExpiryService, SessionExpiryRepository],
  exports: [SessionsRepository],
})
export class SessionsModule {}
