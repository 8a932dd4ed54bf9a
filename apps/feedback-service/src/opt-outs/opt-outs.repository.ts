import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PatientIndexes } from '../sessions/patient-contact';

export type OptOutSource = 'respondent' | 'staff';

interface OptOutEntry {
  index: string;
  kind: 'email' | 'phone' | 'patient';
}

function entriesOf(indexes: PatientIndexes): OptOutEntry[] {
  const entries: OptOutEntry[] = [{ index: indexes.patient, kind: 'patient' }];
  if (indexes.email) entries.push({ index: indexes.email, kind: 'email' });
  if (indexes.phone) entries.push({ index: indexes.phone, kind: 'phone' });
  return entries;
}

/**
 * Opted-out contacts by blind index: a patient who opts out is never invited again by this org,
 * whether the next appointment names them by patient id, email or phone.
 */
@Injectable()
export class OptOutsRepository {
  async isOptedOut(
    manager: EntityManager,
    orgId: string,
    indexes: PatientIndexes,
  ): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM opt_out WHERE org_id = $1 AND contact_index = ANY($2::text[]) LIMIT 1`,
      [orgId, entriesOf(indexes).map((entry) => entry.index)],
    );
    return rows.length > 0;
  }

  /** Idempotent: opting out twice keeps the first record. Returns how many contacts were new. */
  async record(
    manager: EntityManager,
    orgId: string,
    indexes: PatientIndexes,
    source: OptOutSource,
    sessionId: string | undefined,
  ): Promise<number> {
    await bindTenant(manager, orgId);
    const entries = entriesOf(indexes);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO opt_out (org_id, contact_index, contact_kind, source, session_id)
       SELECT $1::uuid, contact_index, contact_kind, $4, $5::uuid
         FROM unnest($2::text[], $3::text[]) AS entry(contact_index, contact_kind)
       ON CONFLICT (org_id, contact_index) DO NOTHING
       RETURNING contact_index`,
      [
        orgId,
        entries.map((entry) => entry.index),
        entries.map((entry) => entry.kind),
        source,
        sessionId ?? null,
      ],
    );
    return inserted.length;
  }
}
