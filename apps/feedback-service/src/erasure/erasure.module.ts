import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { ErasureProgressedConsumer } from './erasure-progressed.consumer';
import { ErasureController } from './erasure.controller';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';

/** `/api/feedback/erasures`: erase a patient here, ask every other service, show progress. */
@Module({
  imports: [ProjectionsModule],
  controllers: [ErasureController, ErasureProgressedConsumer],
  providers: [ErasureService, ErasureRepository],
})
export class ErasureModule {}
