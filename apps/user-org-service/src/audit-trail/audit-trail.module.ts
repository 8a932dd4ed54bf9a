import { Module } from '@nestjs/common';
import { AuditEntriesController } from './audit-entries.controller';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditEntriesService } from './audit-entries.service';
import { AuditLoggedConsumer } from './audit-logged.consumer';

@Module({
  controllers: [AuditEntriesController, AuditLoggedConsumer],
  providers: [AuditEntriesService, AuditEntriesRepository],
})
export class AuditTrailModule {}
