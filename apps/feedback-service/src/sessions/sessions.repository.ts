import type { DeliveryChannel, SessionSkipReason } from '@careloop/contracts';
import type { StateChange } from '@careloop/messaging';
import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PatientIndexes, SealedContact } from './patient-contact';

interface SessionBase {
  sessionId: string;
  externalAppointmentId: string;
  indexes: PatientIndexes;
  appointment: {
    type?: string;
    department?: string;
    site?: string;
    provider?: string;
    endedAt: string;
  };
}

export interface OpenSessionRecord extends SessionBase {
  surveyId: string;
  surveyVersion: number;
  channel: DeliveryChannel;
  language: string;
  timezone: string;
  sendAt: Date;
  expiresAt: Date;
  tokenNonceDigest: Buffer;
  sealed: SealedContact;
}

export interface SkippedSessionRecord extends SessionBase {
  reason: SessionSkipReason;
  surveyId?: string;
  surveyVersion?: number;
}

const columns = `(session_id, org_id, external_appointment_id, status, skip_reason, survey_id, survey_version,
  channel, language, timezone, send_at, expires_at, token_nonce_sha256, patient_index, email_index, phone_index,
  name_sealed, email_sealed, phone_sealed, appointment_type, department, site, provider, appointment_ended_at)`;
const values = `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
  $21, $22, $23, $24)`;

function baseParameters(record: SessionBase): unknown[] {
  return [record.indexes.patient, record.indexes.email ?? null, record.indexes.phone ?? null];
}

function appointmentParameters(record: SessionBase): unknown[] {
  return [
    record.appointment.type ?? null,
    record.appointment.department ?? null,
    record.appointment.site ?? null,
    record.appointment.provider ?? null,
    record.appointment.endedAt,
  ];
}

/** Feedback sessions: one per (org, appointment), open (invited) or skipped with its reason. */
@Injectable()
export class SessionsRepository {
  async findIdByAppointment(
    manager: EntityManager,
    orgId: string,
    externalAppointmentId: string,
  ): Promise<string | undefined> {
    await bindTenant(manager, orgId);
    const [row]: { session_id: string }[] = await manager.query(
      `SELECT session_id FROM feedback_session WHERE org_id = $1 AND external_appointment_id = $2`,
      [orgId, externalAppointmentId],
    );
    return row?.session_id;
  }

  /** Whether this patient was invited for an appointment that ended within the window. */
  async invitedWithin(
    manager: EntityManager,
    orgId: string,
    patientIndex: string,
    window: { from: Date; to: Date },
  ): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM feedback_session
        WHERE org_id = $1 AND patient_index = $2 AND status = 'open'
          AND appointment_ended_at BETWEEN $3 AND $4
        LIMIT 1`,
      [orgId, patientIndex, window.from, window.to],
    );
    return rows.length > 0;
  }

  /**
   * The open session as one statement for `OutboxWriter.appendWith`: it returns a row only when
   * the appointment had no session, so a concurrent duplicate writes neither row nor event.
   * Call after a method that bound the tenant in this transaction.
   */
  openStatement(orgId: string, record: OpenSessionRecord): StateChange {
    return {
      sql: `INSERT INTO feedback_session ${columns} ${values}
            ON CONFLICT (org_id, external_appointment_id) DO NOTHING RETURNING session_id`,
      parameters: [
        record.sessionId,
        orgId,
        record.externalAppointmentId,
        'open',
        null,
        record.surveyId,
        record.surveyVersion,
        record.channel,
        record.language,
        record.timezone,
        record.sendAt,
        record.expiresAt,
        record.tokenNonceDigest,
        ...baseParameters(record),
        record.sealed.name ?? null,
        record.sealed.email ?? null,
        record.sealed.phone ?? null,
        ...appointmentParameters(record),
      ],
    };
  }

  /** A skipped session keeps indexes (for erasure and staff look-ups) but no sealed contact. */
  skippedStatement(orgId: string, record: SkippedSessionRecord): StateChange {
    return {
      sql: `INSERT INTO feedback_session ${columns} ${values}
            ON CONFLICT (org_id, external_appointment_id) DO NOTHING RETURNING session_id`,
      parameters: [
        record.sessionId,
        orgId,
        record.externalAppointmentId,
        'skipped',
        record.reason,
        record.surveyId ?? null,
        record.surveyVersion ?? null,
        null,
        null,
        null,
        null,
        null,
        null,
        ...baseParameters(record),
        null,
        null,
        null,
        ...appointmentParameters(record),
      ],
    };
  }
}
