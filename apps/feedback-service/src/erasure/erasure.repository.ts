import type { ErasureProgressStatus } from '@careloop/contracts';
import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface PatientSession {
  sessionId: string;
  externalAppointmentId: string;
  emailIndex?: string;
  phoneIndex?: string;
}

export interface StoredResponse {
  responseId: string;
  surveyId: string;
  surveyVersion: number;
  answers: Record<string, unknown>;
}

export interface ErasureRecord {
  erasureId: string;
  patientIndex: string;
  sessionCount: number;
  requestedBy: string;
  requestedAt: Date;
}

export interface ProgressRecord {
  service: string;
  status: 'pending' | ErasureProgressStatus;
  erasedRecords: number | null;
  reportedAt: Date | null;
}

export interface StoredErasure extends ErasureRecord {
  services: ProgressRecord[];
}

/**
 * Erasure requests and their progress, and the erasure itself over the sessions feature's tables
 * (feedback_session, session_draft, survey_response, opt_out), the intake's and the alerts'.
 */
@Injectable()
export class ErasureRepository {
  async sessionsOfPatient(
    manager: EntityManager,
    orgId: string,
    patientIndex: string,
  ): Promise<PatientSession[]> {
    await bindTenant(manager, orgId);
    const rows: {
      session_id: string;
      external_appointment_id: string;
      email_index: string | null;
      phone_index: string | null;
    }[] = await manager.query(
      `SELECT session_id, external_appointment_id, email_index, phone_index FROM feedback_session
        WHERE org_id = $1 AND patient_index = $2 ORDER BY created_at`,
      [orgId, patientIndex],
    );
    return rows.map((row) => ({
      sessionId: row.session_id,
      externalAppointmentId: row.external_appointment_id,
      ...(row.email_index !== null ? { emailIndex: row.email_index } : {}),
      ...(row.phone_index !== null ? { phoneIndex: row.phone_index } : {}),
    }));
  }

  /**
   * Sessions keep what statistics need (survey, times, site, status) and lose whatever names the
   * patient: sealed contact, contact indexes, the patient index (replaced by a value unique to the
   * session, so re-survey suppression no longer links them) and the link's nonce (a random digest
   * no token can match). Drafts go.
   */
  async anonymiseSessions(
    manager: EntityManager,
    orgId: string,
    sessionIds: readonly string[],
  ): Promise<number> {
    await bindTenant(manager, orgId);
    const [sessions]: { count: string }[] = await manager.query(
      `WITH anonymised AS (
         UPDATE feedback_session
            SET name_sealed = NULL, email_sealed = NULL, phone_sealed = NULL, email_index = NULL,
                phone_index = NULL, patient_index = 'erased:' || session_id::text,
                token_nonce_sha256 = CASE WHEN token_nonce_sha256 IS NULL THEN NULL
                  ELSE sha256(convert_to(session_id::text || clock_timestamp()::text || random()::text, 'UTF8')) END
          WHERE org_id = $1 AND session_id = ANY($2::uuid[]) RETURNING session_id
       ) SELECT count(*) FROM anonymised`,
      [orgId, sessionIds],
    );
    const [drafts]: { count: string }[] = await manager.query(
      `WITH deleted AS (
         DELETE FROM session_draft WHERE org_id = $1 AND session_id = ANY($2::uuid[]) RETURNING session_id
       ) SELECT count(*) FROM deleted`,
      [orgId, sessionIds],
    );
    // Opt-outs stay (an erased patient must still never be surveyed again); only the link to the
    // session goes.
    await manager.query(
      `UPDATE opt_out SET session_id = NULL WHERE org_id = $1 AND session_id = ANY($2::uuid[])`,
      [orgId, sessionIds],
    );
    return Number(sessions?.count ?? 0) + Number(drafts?.count ?? 0);
  }

  async responsesOf(
    manager: EntityManager,
    orgId: string,
    sessionIds: readonly string[],
  ): Promise<StoredResponse[]> {
    await bindTenant(manager, orgId);
    const rows: {
      response_id: string;
      survey_id: string;
      survey_version: number;
      answers: Record<string, unknown>;
    }[] = await manager.query(
      `SELECT response_id, survey_id, survey_version, answers FROM survey_response
        WHERE org_id = $1 AND session_id = ANY($2::uuid[])`,
      [orgId, sessionIds],
    );
    return rows.map((row) => ({
      responseId: row.response_id,
      surveyId: row.survey_id,
      surveyVersion: row.survey_version,
      answers: row.answers,
    }));
  }

  /** The digest of the original answers goes too: it was computed over the free text. */
  async replaceAnswers(
    manager: EntityManager,
    orgId: string,
    responseId: string,
    answers: Record<string, unknown>,
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `UPDATE survey_response SET answers = $3, answers_sha256 = 'erased' WHERE org_id = $1 AND response_id = $2`,
      [orgId, responseId, JSON.stringify(answers)],
    );
  }

  /** Alert excerpts are the patient's words: every text trigger value becomes "[erased]". */
  async redactAlerts(
    manager: EntityManager,
    orgId: string,
    sessionIds: readonly string[],
  ): Promise<number> {
    await bindTenant(manager, orgId);
    const [row]: { count: string }[] = await manager.query(
      `WITH redacted AS (
         UPDATE feedback_alert a SET triggers = (
           SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(t -> 'value') = 'string'
                                          THEN jsonb_set(t, '{value}', '"[erased]"') ELSE t END), '[]'::jsonb)
             FROM jsonb_array_elements(a.triggers) AS t)
          WHERE a.org_id = $1 AND a.session_id = ANY($2::uuid[]) RETURNING alert_id
       ) SELECT count(*) FROM redacted`,
      [orgId, sessionIds],
    );
    return Number(row?.count ?? 0);
  }

  /**
   * Intake rows keep the idempotency key (so a resent appointment is still known) and lose the
   * digest of the event that carried the patient's data.
   */
  async anonymiseIntake(
    manager: EntityManager,
    orgId: string,
    externalAppointmentIds: readonly string[],
  ): Promise<number> {
    await bindTenant(manager, orgId);
    const [row]: { count: string }[] = await manager.query(
      `WITH anonymised AS (
         UPDATE appointment_intake SET payload_sha256 = 'erased'
          WHERE org_id = $1 AND external_appointment_id = ANY($2::text[]) AND payload_sha256 <> 'erased'
          RETURNING event_id
       ) SELECT count(*) FROM anonymised`,
      [orgId, externalAppointmentIds],
    );
    return Number(row?.count ?? 0);
  }

  async insertRequest(
    manager: EntityManager,
    orgId: string,
    erasure: ErasureRecord,
    progress: ProgressRecord[],
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO patient_erasure (erasure_id, org_id, patient_index, session_count, requested_by, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        erasure.erasureId,
        orgId,
        erasure.patientIndex,
        erasure.sessionCount,
        erasure.requestedBy,
        erasure.requestedAt,
      ],
    );
    await manager.query(
      `INSERT INTO patient_erasure_progress (erasure_id, org_id, service, status, erased_records, reported_at)
       SELECT $1::uuid, $2::uuid, * FROM unnest($3::text[], $4::text[], $5::integer[], $6::timestamptz[])`,
      [
        erasure.erasureId,
        orgId,
        progress.map((entry) => entry.service),
        progress.map((entry) => entry.status),
        progress.map((entry) => entry.erasedRecords),
        progress.map((entry) => entry.reportedAt),
      ],
    );
  }

  /**
   * A service's report; a service not expected when the request was made is added, so nothing a
   * service says is lost. Returns false when the request is unknown (not this org's, or replayed
   * into a database that never had it).
   */
  async recordProgress(
    manager: EntityManager,
    orgId: string,
    erasureId: string,
    report: ProgressRecord,
  ): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `INSERT INTO patient_erasure_progress (erasure_id, org_id, service, status, erased_records, reported_at)
       SELECT erasure_id, org_id, $3, $4, $5, $6 FROM patient_erasure WHERE org_id = $1 AND erasure_id = $2
       ON CONFLICT (erasure_id, service) DO UPDATE
         SET status = EXCLUDED.status, erased_records = EXCLUDED.erased_records, reported_at = EXCLUDED.reported_at
       RETURNING service`,
      [orgId, erasureId, report.service, report.status, report.erasedRecords, report.reportedAt],
    );
    return rows.length > 0;
  }

  async find(
    manager: EntityManager,
    orgId: string,
    erasureId: string,
  ): Promise<StoredErasure | undefined> {
    await bindTenant(manager, orgId);
    const [request]: {
      patient_index: string;
      session_count: number;
      requested_by: string;
      requested_at: Date;
    }[] = await manager.query(
      `SELECT patient_index, session_count, requested_by, requested_at FROM patient_erasure
        WHERE org_id = $1 AND erasure_id = $2`,
      [orgId, erasureId],
    );
    if (!request) return undefined;
    const progress: {
      service: string;
      status: ProgressRecord['status'];
      erased_records: number | null;
      reported_at: Date | null;
    }[] = await manager.query(
      `SELECT service, status, erased_records, reported_at FROM patient_erasure_progress
        WHERE org_id = $1 AND erasure_id = $2 ORDER BY service`,
      [orgId, erasureId],
    );
    return {
      erasureId,
      patientIndex: request.patient_index,
      sessionCount: request.session_count,
      requestedBy: request.requested_by,
      requestedAt: request.requested_at,
      services: progress.map((row) => ({
        service: row.service,
        status: row.status,
        erasedRecords: row.erased_records,
        reportedAt: row.reported_at,
      })),
    };
  }
}
