import type { SqlExecutor, StateChange } from '@careloop/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IntakeFormat } from './intake.types';

/**
 * What the intake keeps of an accepted appointment: ids and a hash, no patient data (DESIGN.md §5:
 * the contact travels in the event only). The row is the idempotency key (org, appointment id).
 */
export interface IntakeRecord {
  externalAppointmentId: string;
  eventId: string;
  format: IntakeFormat;
  /** SHA-256 of the event's data, to tell a true redelivery from a changed resend later. */
  payloadHash: string;
  /** The client id (integration) or user id that sent it. */
  receivedBy: string;
}

@Injectable()
export class IntakeRepository {
  /**
   * One record as a data-modifying statement for `OutboxWriter.appendWith`: it returns a row only
   * when the appointment is new, so a duplicate writes neither the record nor the event.
   */
  recordStatement(orgId: string, record: IntakeRecord): StateChange {
    return {
      sql: `INSERT INTO appointment_intake
              (org_id, external_appointment_id, event_id, source_format, payload_sha256, received_by)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (org_id, external_appointment_id) DO NOTHING
            RETURNING event_id`,
      parameters: [
        orgId,
        record.externalAppointmentId,
        record.eventId,
        record.format,
        record.payloadHash,
        record.receivedBy,
      ],
    };
  }

  /** Many records in one statement; returns the appointment ids that were new. */
  /** The org's timezone and phone region from its settings projection (none before it arrived). */
  async organizationDefaults(
    manager: EntityManager,
    orgId: string,
  ): Promise<{ timezone?: string; phoneRegion?: string }> {
    const [row]: { timezone: string | null; phone_region: string | null }[] = await manager.query(
      `SELECT settings->>'timezone' AS timezone, settings->>'phoneRegion' AS phone_region
         FROM org_settings WHERE org_id = $1`,
      [orgId],
    );
    return {
      ...(row?.timezone ? { timezone: row.timezone } : {}),
      ...(row?.phone_region ? { phoneRegion: row.phone_region } : {}),
    };
  }

  async recordMany(
    executor: SqlExecutor,
    orgId: string,
    records: readonly IntakeRecord[],
  ): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    const rows = (await executor.query(
      `INSERT INTO appointment_intake
              (org_id, external_appointment_id, event_id, source_format, payload_sha256, received_by)
       SELECT $1::uuid, appointment_id, event_id, source_format, payload_sha256, received_by
         FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
              AS batch(appointment_id, event_id, source_format, payload_sha256, received_by)
       ON CONFLICT (org_id, external_appointment_id) DO NOTHING
       RETURNING external_appointment_id`,
      [
        orgId,
        records.map((record) => record.externalAppointmentId),
        records.map((record) => record.eventId),
        records.map((record) => record.format),
        records.map((record) => record.payloadHash),
        records.map((record) => record.receivedBy),
      ],
    )) as { external_appointment_id: string }[];
    return new Set(rows.map((row) => row.external_appointment_id));
  }
}
