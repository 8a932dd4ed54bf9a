import { Module } from '@nestjs/common';
import { PatientErasureConsumer } from './patient-erasure.consumer';
import { PatientErasureRepository } from './patient-erasure.repository';
import { PatientErasureService } from './patient-erasure.service';

/** `patient.erasure.requested` -> this service's data erased -> `patient.erasure.progressed`. */
@Module({
  controllers: [PatientErasureConsumer],
  providers: [PatientErasureService, PatientErasureRepository],
})
export class PatientErasureModule {}
