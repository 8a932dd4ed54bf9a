import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What this service holds of a patient: the comment index (patients' free text) and any per-session projection.
 * analytics-service keeps only counts so far (event_activity_daily names no patient); when the comment index lands, its rows for the request's sessions are deleted here, in this same transaction.
 */
@Injectable()
export class PatientErasureRepository {
  /** Deletes or anonymises the patient's records; returns how many. */
  async erase(
    manager: EntityManager,
    orgId: string,
    _patient: { sessionIds: readonly string[]; contactBlindIndexes: readonly string[] },
  ): Promise<number> {
    await bindTenant(manager, orgId);
    return 0;
  }

  /** The service's own record that it applied the request (and how much it erased). */
  async recordApplied(
    manager: EntityManager,
    orgId: string,
    erasureRequestId: string,
    erasedRecords: number,
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO patient_erasure_applied (erasure_request_id, org_id, erased_records) VALUES ($1, $2, $3)
       ON CONFLICT (erasure_request_id) DO NOTHING`,
      [erasureRequestId, orgId, erasedRecords],
    );
  }
}
