import { Module } from '@nestjs/common';
import { MembershipsConsumer } from './memberships.consumer';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';

@Module({
  controllers: [MembershipsConsumer],
  providers: [MembershipsService, MembershipsRepository],
  exports: [MembershipsService],
})
export class MembershipsModule {}
