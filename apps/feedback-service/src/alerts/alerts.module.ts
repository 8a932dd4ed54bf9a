import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { AlertRulesCache } from './alert-rules.cache';
import { AlertRulesController } from './alert-rules.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { ResponseSubmittedConsumer } from './response-submitted.consumer';

/** Alert rules (staff CRUD) and `feedback.alert.raised` from every submitted response. */
@Module({
  imports: [ProjectionsModule],
  controllers: [AlertRulesController, ResponseSubmittedConsumer],
  providers: [AlertsService, AlertsRepository, AlertRulesCache],
})
export class AlertsModule {}
