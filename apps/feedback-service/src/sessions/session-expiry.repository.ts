import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A session whose link expired, as the expiry sweep found it. */
export interface DueSession {
  orgId: string;
  sessionId: string;
}

/** A session whose expiry this sweep announced (and whether it was answered after all). */
export interface ExpiredSession {
  sessionId: string;
  surveyId: string;
  surveyVersion: number;
  externalAppointmentId: string;
  expiredAt: Date;
  answered: boolean;
  hadDraft: boolean;
}

@Injectable()
export class SessionExpiryRepository {
  /**
   * Open sessions of every organization whose current expiry passed and was not announced yet,
   * oldest first. Only the sweep policy shows rows across organizations, and only these; `manager`
   * must be in a transaction of its own.
   */
  async due(manager: EntityManager, limit: number): Promise<DueSession[]> {
    await manager.query(`SELECT set_config('app.sweep', 'session-expiry', true)`);
    const rows: { org_id: string; session_id: string }[] = await manager.query(
      `SELECT org_id, session_id FROM feedback_session
        WHERE status = 'open' AND expiry_announced_at IS NULL AND expires_at <= now()
        ORDER BY expires_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ orgId: row.org_id, sessionId: row.session_id }));
  }

  /**
   * Marks these sessions' expiry announced, under their organization's binding; returns those this
   * call marked (a concurrent sweep, or a link reissued meanwhile, leaves a session out).
   */
  async markAnnounced(
    manager: EntityManager,
    orgId: string,
    sessionIds: readonly string[],
  ): Promise<ExpiredSession[]> {
    await bindTenant(manager, orgId);
    const rows: {
      session_id: string;
      survey_id: string;
      survey_version: number;
      external_appointment_id: string;
      expires_at: Date;
      answered: boolean;
      had_draft: boolean;
    }[] = await manager.query(
      // A CTE, because TypeORM answers a bare UPDATE with [rows, count].
      `WITH marked AS (
         UPDATE feedback_session SET expiry_announced_at = now()
          WHERE org_id = $1 AND session_id = ANY($2::uuid[]) AND status = 'open'
            AND expiry_announced_at IS NULL AND expires_at <= now()
          RETURNING session_id, survey_id, survey_version, external_appointment_id, expires_at
       )
       SELECT m.*,
              EXISTS (SELECT 1 FROM survey_response r WHERE r.session_id = m.session_id) AS answered,
              EXISTS (SELECT 1 FROM session_draft d WHERE d.session_id = m.session_id) AS had_draft
         FROM marked m`,
      [orgId, sessionIds],
    );
    return rows.map((row) => ({
      sessionId: row.session_id,
      surveyId: row.survey_id,
      surveyVersion: row.survey_version,
      externalAppointmentId: row.external_appointment_id,
      expiredAt: row.expires_at,
      answered: row.answered,
      hadDraft: row.had_draft,
    }));
  }
}
