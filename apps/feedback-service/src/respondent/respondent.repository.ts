import type { SqlExecutor, StateChange } from '@careloop/messaging';
import { bindTenant, byteaLiteral, uuidLiteral } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PatientIndexes } from '../sessions/patient-contact';

/** An open session as the respondent path sees it, with its response and stored draft if any. */
export interface RespondentSession {
  sessionId: string;
  orgId: string;
  surveyId: string;
  surveyVersion: number;
  language: string;
  expiresAt: Date;
  externalAppointmentId: string;
  site?: string;
  provider?: string;
  indexes: PatientIndexes;
  optedOut: boolean;
  response?: StoredResponse;
  storedDraft?: StoredDraft;
}

export interface StoredDraft {
  answers: Record<string, unknown>;
  savedAt: Date;
}

export interface DraftToStore extends StoredDraft {
  sessionId: string;
}

export interface SessionRow {
  session_id: string;
  survey_id: string;
  survey_version: number;
  language: string;
  expires_at: Date;
  external_appointment_id: string;
  site: string | null;
  provider: string | null;
  patient_index: string;
  email_index: string | null;
  phone_index: string | null;
  opted_out_at: Date | null;
  response_id: string | null;
  answers_sha256: string | null;
  submitted_at: Date | null;
  draft_answers: Record<string, unknown> | null;
  draft_saved_at: Date | null;
}

/** A token's key to its session: the session and the digest of the token's nonce. */
export interface SessionTokenKey {
  sessionId: string;
  nonceDigest: Buffer;
}

export interface StoredResponse {
  responseId: string;
  answersDigest: string;
  submittedAt: Date;
}

export interface ResponseRecord {
  responseId: string;
  sessionId: string;
  surveyId: string;
  surveyVersion: number;
  language: string;
  answers: Record<string, unknown>;
  answersDigest: string;
  submittedAt: Date;
}

@Injectable()
export class RespondentRepository {
  /**
   * The session a verified token names, only while the token's nonce is the session's current one
   * (a reissued link replaces it). One statement: session, response and stored draft.
   */
  async findSession(
    manager: EntityManager,
    orgId: string,
    sessionId: string,
    nonceDigest: Buffer,
  ): Promise<RespondentSession | undefined> {
    await bindTenant(manager, orgId);
    const [row]: SessionRow[] = await manager.query(sessionSelect('$1', '$2', '$3'), [
      orgId,
      sessionId,
      nonceDigest,
    ]);
    return row ? toRespondentSession(orgId, row) : undefined;
  }

  /**
   * `findSession` as literal SQL for `TenantRoundTrips` (so it can share a round trip with the
   * tenant binding); read the rows with `toRespondentSession`.
   */
  sessionStatement(orgId: string, sessionId: string, nonceDigest: Buffer): string {
    return sessionSelect(uuidLiteral(orgId), uuidLiteral(sessionId), byteaLiteral(nonceDigest));
  }

  /**
   * `sessionStatement` for several tokens at once: each session named by a token, while that
   * token's nonce is its current one (a group commit reads a batch's sessions in one statement).
   */
  sessionsStatement(orgId: string, tokens: readonly SessionTokenKey[]): string {
    const named = tokens
      .map((token) => `(${uuidLiteral(token.sessionId)}, ${byteaLiteral(token.nonceDigest)})`)
      .join(', ');
    return `${sessionColumns}
         FROM feedback_session s
         JOIN (VALUES ${named}) AS named(session_id, nonce)
           ON named.session_id = s.session_id AND named.nonce = s.token_nonce_sha256
         LEFT JOIN survey_response r ON r.session_id = s.session_id
         LEFT JOIN session_draft d ON d.session_id = s.session_id
        WHERE s.org_id = ${uuidLiteral(orgId)} AND s.status = 'open'`;
  }

  /** Deletes these sessions' stored drafts (literal SQL for `TenantRoundTrips`). */
  deleteDraftsStatement(orgId: string, sessionIds: readonly string[]): string {
    return `DELETE FROM session_draft WHERE org_id = ${uuidLiteral(orgId)}
              AND session_id IN (${sessionIds.map(uuidLiteral).join(', ')})`;
  }

  /** These sessions' responses; `connection` is already bound to `orgId`'s tenant. */
  async findResponses(
    connection: SqlExecutor,
    orgId: string,
    sessionIds: readonly string[],
  ): Promise<Map<string, StoredResponse>> {
    const rows = (await connection.query(
      `SELECT session_id, response_id, answers_sha256, submitted_at FROM survey_response
        WHERE org_id = $1 AND session_id = ANY($2::uuid[])`,
      [orgId, sessionIds],
    )) as { session_id: string; response_id: string; answers_sha256: string; submitted_at: Date }[];
    return new Map(
      rows.map((row) => [
        row.session_id,
        {
          responseId: row.response_id,
          answersDigest: row.answers_sha256,
          submittedAt: row.submitted_at,
        },
      ]),
    );
  }

  /**
   * Responses as one statement for `OutboxWriter.appendForChanged`: it returns the session (as
   * `subject`) of each first submission only, so a session already answered gets neither row nor
   * event.
   */
  responsesStatement(orgId: string, responses: readonly ResponseRecord[]): StateChange {
    const column = <T>(read: (response: ResponseRecord) => T) => responses.map(read);
    return {
      sql: `INSERT INTO survey_response
              (response_id, session_id, org_id, survey_id, survey_version, language, answers, answers_sha256, submitted_at)
            SELECT response_id, session_id, $1, survey_id, survey_version, language, answers, answers_sha256, submitted_at
              FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::jsonb[], $8::text[], $9::timestamptz[])
                   AS r(response_id, session_id, survey_id, survey_version, language, answers, answers_sha256, submitted_at)
            ON CONFLICT (session_id) DO NOTHING RETURNING session_id::text AS subject`,
      parameters: [
        orgId,
        column((response) => response.responseId),
        column((response) => response.sessionId),
        column((response) => response.surveyId),
        column((response) => response.surveyVersion),
        column((response) => response.language),
        column((response) => JSON.stringify(response.answers)),
        column((response) => response.answersDigest),
        column((response) => response.submittedAt),
      ],
    };
  }

  /**
   * Drafts of one org, newer ones only: a slower writer never overwrites a later save, and a
   * session already answered keeps no draft.
   */
  async storeDrafts(
    manager: EntityManager,
    orgId: string,
    drafts: readonly DraftToStore[],
  ): Promise<void> {
    if (drafts.length === 0) return;
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO session_draft (session_id, org_id, answers, saved_at)
       SELECT s.session_id, s.org_id, d.answers, d.saved_at
         FROM unnest($2::uuid[], $3::jsonb[], $4::timestamptz[]) AS d(session_id, answers, saved_at)
         JOIN feedback_session s ON s.session_id = d.session_id AND s.org_id = $1
        WHERE NOT EXISTS (SELECT 1 FROM survey_response r WHERE r.session_id = d.session_id)
       ON CONFLICT (session_id) DO UPDATE SET answers = EXCLUDED.answers, saved_at = EXCLUDED.saved_at
         WHERE session_draft.saved_at < EXCLUDED.saved_at`,
      [
        orgId,
        drafts.map((draft) => draft.sessionId),
        drafts.map((draft) => JSON.stringify(draft.answers)),
        drafts.map((draft) => draft.savedAt),
      ],
    );
  }

  /** Returns true when this call opted the session out (false when it already was). */
  async markOptedOut(manager: EntityManager, orgId: string, sessionId: string): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `WITH marked AS (
         UPDATE feedback_session SET opted_out_at = now()
          WHERE org_id = $1 AND session_id = $2 AND opted_out_at IS NULL RETURNING session_id
       ) SELECT session_id FROM marked`,
      [orgId, sessionId],
    );
    return rows.length > 0;
  }
}

/** The session a token names, with response and stored draft; the arguments are SQL expressions. */
const sessionColumns = `SELECT s.session_id, s.survey_id, s.survey_version, s.language, s.expires_at, s.external_appointment_id,
              s.site, s.provider, s.patient_index, s.email_index, s.phone_index, s.opted_out_at,
              r.response_id, r.answers_sha256, r.submitted_at,
              d.answers AS draft_answers, d.saved_at AS draft_saved_at`;

function sessionSelect(orgId: string, sessionId: string, nonceDigest: string): string {
  return `${sessionColumns}
         FROM feedback_session s
         LEFT JOIN survey_response r ON r.session_id = s.session_id
         LEFT JOIN session_draft d ON d.session_id = s.session_id
        WHERE s.org_id = ${orgId} AND s.session_id = ${sessionId} AND s.status = 'open'
          AND s.token_nonce_sha256 = ${nonceDigest}`;
}

export function toRespondentSession(orgId: string, row: SessionRow): RespondentSession {
  const indexes: PatientIndexes = { patient: row.patient_index };
  if (row.email_index) indexes.email = row.email_index;
  if (row.phone_index) indexes.phone = row.phone_index;
  return {
    sessionId: row.session_id,
    orgId,
    surveyId: row.survey_id,
    surveyVersion: row.survey_version,
    language: row.language,
    expiresAt: row.expires_at,
    externalAppointmentId: row.external_appointment_id,
    ...(row.site !== null ? { site: row.site } : {}),
    ...(row.provider !== null ? { provider: row.provider } : {}),
    indexes,
    optedOut: row.opted_out_at !== null,
    ...(row.response_id !== null && row.answers_sha256 !== null && row.submitted_at !== null
      ? {
          response: {
            responseId: row.response_id,
            answersDigest: row.answers_sha256,
            submittedAt: row.submitted_at,
          },
        }
      : {}),
    ...(row.draft_answers !== null && row.draft_saved_at !== null
      ? { storedDraft: { answers: row.draft_answers, savedAt: row.draft_saved_at } }
      : {}),
  };
}
