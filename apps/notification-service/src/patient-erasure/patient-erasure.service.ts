import type { PatientErasureRequestedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PatientErasureRepository } from './patient-erasure.repository';

export const SERVICE_NAME = 'notification-service';

/**
 * Applies a patient erasure to this service's data and reports back to feedback-service with
 * `patient.erasure.progressed`, both in the consumer's transaction: the report is sent if and
 * only if the erasure committed.
 */
@Injectable()
export class PatientErasureService {
  constructor(
    private readonly repository: PatientErasureRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async erase(
    manager: EntityManager,
    request: PatientErasureRequestedV1,
    now: Date = new Date(),
  ): Promise<'processed'> {
    const erasedRecords = await this.repository.erase(manager, request.orgId, request);
    await this.repository.recordApplied(
      manager,
      request.orgId,
      request.erasureRequestId,
      erasedRecords,
    );
    await this.outbox.append(manager, EventTypes.PatientErasureProgressed, {
      subject: request.erasureRequestId,
      orgId: request.orgId,
      data: {
        erasureRequestId: request.erasureRequestId,
        orgId: request.orgId,
        service: SERVICE_NAME,
        status: 'done',
        erasedRecords,
        reportedAt: now.toISOString(),
      },
    });
    return 'processed';
  }
}
