import { Module } from '@nestjs/common';
import { EventActivityConsumer } from './event-activity.consumer';
import { EventActivityRepository } from './event-activity.repository';
import { EventActivityService } from './event-activity.service';

@Module({
  controllers: [EventActivityConsumer],
  providers: [EventActivityService, EventActivityRepository],
})
export class EventActivityModule {}
