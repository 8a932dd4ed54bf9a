import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { timeKey } from './cursor';

/**
 * Staff reads over the sessions feature's tables (feedback_session, survey_response, opt_out,
 * session_draft) and the alerts raised here. Read only, except the link re-issue, which replaces
 * a session's token nonce the way the respondent path checks it.
 */

export type SessionStatus = 'open' | 'submitted' | 'skipped' | 'expired';
export const SESSION_STATUSES: readonly SessionStatus[] = [
  'open',
  'submitted',
  'skipped',
  'expired',
];

export interface PageRequest {
  limit: number;
  after?: readonly string[];
}

export interface SessionFilter {
  status?: SessionStatus;
  surveyId?: string;
  from?: string;
  to?: string;
  externalAppointmentId?: string;
}

export interface SessionRow {
  session_id: string;
  external_appointment_id: string;
  status: SessionStatus;
  skip_reason: string | null;
  survey_id: string | null;
  survey_version: number | null;
  channel: string | null;
  language: string | null;
  send_at: Date | null;
  expires_at: Date | null;
  appointment_type: string | null;
  department: string | null;
  site: string | null;
  provider: string | null;
  appointment_ended_at: Date;
  opted_out_at: Date | null;
  created_key: string;
  response_id: string | null;
  submitted_at: Date | null;
}

export interface SessionDetailRow extends SessionRow {
  name_sealed: string | null;
  email_sealed: string | null;
  phone_sealed: string | null;
  answers: Record<string, unknown> | null;
  draft_saved_at: Date | null;
}

export interface ResponseFilter {
  surveyId?: string;
  version?: number;
  from?: string;
  to?: string;
}

export interface ResponseRow {
  response_id: string;
  session_id: string;
  survey_id: string;
  survey_version: number;
  language: string;
  answers: Record<string, unknown>;
  submitted_key: string;
  external_appointment_id: string;
  site: string | null;
  provider: string | null;
}

export interface OptOutRow {
  contact_index: string;
  contact_kind: 'email' | 'phone' | 'patient';
  source: 'respondent' | 'staff';
  session_id: string | null;
  created_key: string;
  email_sealed: string | null;
  phone_sealed: string | null;
}

export interface AlertRow {
  alert_id: string;
  rule_id: string;
  severity: string;
  triggers: unknown;
  raised_at: Date;
}

const statusExpression = `CASE
    WHEN s.status = 'skipped' THEN 'skipped'
    WHEN r.response_id IS NOT NULL THEN 'submitted'
    WHEN s.expires_at <= now() THEN 'expired'
    ELSE 'open' END`;

const sessionColumns = `s.session_id, s.external_appointment_id, ${statusExpression} AS status, s.skip_reason,
  s.survey_id, s.survey_version, s.channel, s.language, s.send_at, s.expires_at, s.appointment_type, s.department,
  s.site, s.provider, s.appointment_ended_at, s.opted_out_at, ${timeKey('s.created_at')} AS created_key,
  r.response_id, r.submitted_at`;

const statusConditions: Record<SessionStatus, string> = {
  skipped: `s.status = 'skipped'`,
  submitted: `r.response_id IS NOT NULL`,
  expired: `s.status = 'open' AND r.response_id IS NULL AND s.expires_at <= now()`,
  open: `s.status = 'open' AND r.response_id IS NULL AND s.expires_at > now()`,
};

/** Builds `AND ...` clauses with numbered parameters, so optional filters stay one statement. */
class Conditions {
  readonly clauses: string[] = [];
  constructor(readonly parameters: unknown[]) {}

  add(clause: (placeholder: (value: unknown) => string) => string): void {
    this.clauses.push(
      clause((value) => {
        this.parameters.push(value);
        return `$${this.parameters.length}`;
      }),
    );
  }

  get sql(): string {
    return this.clauses.map((clause) => ` AND ${clause}`).join('');
  }
}

@Injectable()
export class StaffRepository {
  /** Newest first by (created_at, session_id). */
  async listSessions(
    manager: EntityManager,
    orgId: string,
    filter: SessionFilter,
    page: PageRequest,
  ): Promise<SessionRow[]> {
    await bindTenant(manager, orgId);
    const where = new Conditions([orgId]);
    if (filter.status) where.clauses.push(statusConditions[filter.status]);
    if (filter.surveyId) where.add((p) => `s.survey_id = ${p(filter.surveyId)}`);
    if (filter.from) where.add((p) => `s.created_at >= ${p(filter.from)}::timestamptz`);
    if (filter.to) where.add((p) => `s.created_at < ${p(filter.to)}::timestamptz`);
    if (filter.externalAppointmentId) {
      where.add((p) => `s.external_appointment_id = ${p(filter.externalAppointmentId)}`);
    }
    if (page.after) {
      where.add(
        (p) =>
          `(s.created_at, s.session_id) < (${p(page.after?.[0])}::timestamptz, ${p(page.after?.[1])}::uuid)`,
      );
    }
    return manager.query(
      `SELECT ${sessionColumns}
         FROM feedback_session s LEFT JOIN survey_response r ON r.session_id = s.session_id
        WHERE s.org_id = $1${where.sql}
        ORDER BY s.created_at DESC, s.session_id DESC
        LIMIT ${page.limit + 1}`,
      where.parameters,
    );
  }

  async findSession(
    manager: EntityManager,
    orgId: string,
    sessionId: string,
  ): Promise<SessionDetailRow | undefined> {
    await bindTenant(manager, orgId);
    const [row]: SessionDetailRow[] = await manager.query(
      `SELECT ${sessionColumns}, s.name_sealed, s.email_sealed, s.phone_sealed, r.answers,
              d.saved_at AS draft_saved_at
         FROM feedback_session s
         LEFT JOIN survey_response r ON r.session_id = s.session_id
         LEFT JOIN session_draft d ON d.session_id = s.session_id
        WHERE s.org_id = $1 AND s.session_id = $2`,
      [orgId, sessionId],
    );
    return row;
  }

  async alertsOfSession(
    manager: EntityManager,
    orgId: string,
    sessionId: string,
  ): Promise<AlertRow[]> {
    await bindTenant(manager, orgId);
    return manager.query(
      `SELECT alert_id, rule_id, severity, triggers, raised_at FROM feedback_alert
        WHERE org_id = $1 AND session_id = $2 ORDER BY raised_at, alert_id`,
      [orgId, sessionId],
    );
  }

  /** Newest first by (submitted_at, response_id); `oldestFirst` for the export. */
  async listResponses(
    manager: EntityManager,
    orgId: string,
    filter: ResponseFilter,
    page: PageRequest,
    oldestFirst = false,
  ): Promise<ResponseRow[]> {
    await bindTenant(manager, orgId);
    const where = new Conditions([orgId]);
    if (filter.surveyId) where.add((p) => `r.survey_id = ${p(filter.surveyId)}`);
    if (filter.version !== undefined) where.add((p) => `r.survey_version = ${p(filter.version)}`);
    if (filter.from) where.add((p) => `r.submitted_at >= ${p(filter.from)}::timestamptz`);
    if (filter.to) where.add((p) => `r.submitted_at < ${p(filter.to)}::timestamptz`);
    const comparison = oldestFirst ? '>' : '<';
    if (page.after) {
      where.add(
        (p) =>
          `(r.submitted_at, r.response_id) ${comparison} (${p(page.after?.[0])}::timestamptz, ${p(page.after?.[1])}::uuid)`,
      );
    }
    const direction = oldestFirst ? 'ASC' : 'DESC';
    return manager.query(
      `SELECT r.response_id, r.session_id, r.survey_id, r.survey_version, r.language, r.answers,
              ${timeKey('r.submitted_at')} AS submitted_key, s.external_appointment_id, s.site, s.provider
         FROM survey_response r JOIN feedback_session s ON s.session_id = r.session_id
        WHERE r.org_id = $1${where.sql}
        ORDER BY r.submitted_at ${direction}, r.response_id ${direction}
        LIMIT ${page.limit + 1}`,
      where.parameters,
    );
  }

  /** Newest first by (created_at, contact_index), with the sealed contact of the opting session. */
  async listOptOuts(
    manager: EntityManager,
    orgId: string,
    page: PageRequest,
  ): Promise<OptOutRow[]> {
    await bindTenant(manager, orgId);
    return manager.query(
      `SELECT o.contact_index, o.contact_kind, o.source, o.session_id, ${timeKey('o.created_at')} AS created_key,
              s.email_sealed, s.phone_sealed
         FROM opt_out o LEFT JOIN feedback_session s ON s.session_id = o.session_id
        WHERE o.org_id = $1
          AND ($2::timestamptz IS NULL OR (o.created_at, o.contact_index) < ($2::timestamptz, $3::text))
        ORDER BY o.created_at DESC, o.contact_index DESC
        LIMIT $4`,
      [orgId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
    );
  }

  /**
   * Gives an open session a new token nonce and expiry: the respondent path accepts only the
   * session's current nonce, so every earlier link stops working in the same commit.
   */
  async replaceLink(
    manager: EntityManager,
    orgId: string,
    sessionId: string,
    nonceDigest: Buffer,
    expiresAt: Date,
  ): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `WITH replaced AS (
         UPDATE feedback_session
            SET token_nonce_sha256 = $3, expires_at = $4, expiry_announced_at = NULL
          WHERE org_id = $1 AND session_id = $2 AND status = 'open' RETURNING session_id
       ) SELECT session_id FROM replaced`,
      [orgId, sessionId, nonceDigest, expiresAt],
    );
    return rows.length > 0;
  }
}
