import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';

/** `/api/feedback/{sessions,responses,opt-outs}` for staff; keys from the global FeedbackKeysModule. */
@Module({
  imports: [ProjectionsModule],
  controllers: [StaffController],
  providers: [StaffService, StaffRepository],
})
export class StaffModule {}
