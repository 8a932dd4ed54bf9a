import { Readable } from 'node:stream';
import { AuditTrail } from '@careloop/audit';
import type { CursorPage } from '@careloop/contracts';
import { REDIS, TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { outlineQuestions } from '@careloop/surveys';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';
import { DEFAULT_ORG_SETTINGS } from '../projections/org-settings.defaults';
import { ProjectionsRepository } from '../projections/projections.repository';
import { RespondentTokens } from '../respondent/respondent-token';
import { FeedbackSettings } from '../sessions/feedback-settings';
import type { ContactField } from '../sessions/patient-contact';
import { PatientContactProtector } from '../sessions/patient-contact';
import { maskEmail, maskPhone } from './contact-mask';
import { toPage } from './cursor';
import { answerText, csvRow } from './csv';
import type {
  OptOutItem,
  ReissuedLink,
  ResponseItem,
  SessionDetail,
  SessionItem,
} from './dto/staff.dto';
import {
  sessionAnswered,
  sessionNotFound,
  sessionNotInvited,
  versionNotFound,
} from './staff.errors';
import type {
  OptOutRow,
  PageRequest,
  ResponseFilter,
  ResponseRow,
  SessionFilter,
  SessionRow,
} from './staff.repository';
import { StaffRepository } from './staff.repository';

const HOUR = 3_600_000;
/** Rows per transaction while exporting: bounded memory and short transactions. */
const EXPORT_BATCH = 500;

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

function toSessionItem(row: SessionRow): SessionItem {
  return {
    sessionId: row.session_id,
    externalAppointmentId: row.external_appointment_id,
    status: row.status,
    skipReason: row.skip_reason,
    surveyId: row.survey_id,
    surveyVersion: row.survey_version,
    channel: row.channel,
    language: row.language,
    sendAt: iso(row.send_at),
    expiresAt: iso(row.expires_at),
    appointment: {
      type: row.appointment_type,
      department: row.department,
      site: row.site,
      provider: row.provider,
      endedAt: row.appointment_ended_at.toISOString(),
    },
    optedOut: row.opted_out_at !== null,
    responseId: row.response_id,
    submittedAt: iso(row.submitted_at),
    createdAt: row.created_key,
  };
}

function toResponseItem(row: ResponseRow): ResponseItem {
  return {
    responseId: row.response_id,
    sessionId: row.session_id,
    surveyId: row.survey_id,
    surveyVersion: row.survey_version,
    language: row.language,
    submittedAt: row.submitted_key,
    externalAppointmentId: row.external_appointment_id,
    site: row.site,
    provider: row.provider,
    answers: row.answers,
  };
}

/**
 * Staff reads of patient data (sessions, responses, export, opt-outs) and the phone follow-up
 * link. The org is always the caller's; every read that returns patient data is audited as
 * `patient_data.read` (or `.exported`) in the read's own transaction.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly repository: StaffRepository,
    private readonly projections: ProjectionsRepository,
    private readonly transactions: TenantTransactions,
    private readonly auditTrail: AuditTrail,
    private readonly contacts: PatientContactProtector,
    private readonly tokens: RespondentTokens,
    private readonly settings: FeedbackSettings,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  listSessions(
    caller: Principal,
    filter: SessionFilter,
    page: PageRequest,
  ): Promise<CursorPage<SessionItem>> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const rows = await this.repository.listSessions(manager, caller.orgId, filter, page);
      const result = toPage(
        rows,
        page.limit,
        (row) => [row.created_key, row.session_id],
        toSessionItem,
      );
      await this.auditRead(
        manager,
        caller,
        'feedback_session',
        result.items.map((item) => item.sessionId),
        {
          filter,
        },
      );
      return result;
    });
  }

  getSession(caller: Principal, sessionId: string): Promise<SessionDetail> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const row = await this.repository.findSession(manager, caller.orgId, sessionId);
      if (!row) throw sessionNotFound();
      const alerts = await this.repository.alertsOfSession(manager, caller.orgId, sessionId);
      await this.auditTrail.record(manager, {
        orgId: caller.orgId,
        action: 'patient_data.read',
        target: { type: 'feedback_session', id: sessionId },
        metadata: { contact: true, answers: row.answers !== null },
      });
      return {
        ...toSessionItem(row),
        contact: {
          name: this.open(caller.orgId, 'name', row.name_sealed),
          email: this.open(caller.orgId, 'email', row.email_sealed),
          phone: this.open(caller.orgId, 'phone', row.phone_sealed),
        },
        answers: row.answers,
        draftSavedAt: iso(row.draft_saved_at),
        alerts: alerts.map((alert) => ({
          alertId: alert.alert_id,
          ruleId: alert.rule_id,
          severity: alert.severity,
          triggers: alert.triggers,
          raisedAt: alert.raised_at.toISOString(),
        })),
      };
    });
  }

  private open(orgId: string, field: ContactField, sealed: string | null): string | null {
    return sealed === null ? null : this.contacts.open(orgId, field, sealed);
  }

  listResponses(
    caller: Principal,
    filter: ResponseFilter,
    page: PageRequest,
  ): Promise<CursorPage<ResponseItem>> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const rows = await this.repository.listResponses(manager, caller.orgId, filter, page);
      const result = toPage(
        rows,
        page.limit,
        (row) => [row.submitted_key, row.response_id],
        toResponseItem,
      );
      await this.auditRead(
        manager,
        caller,
        'survey_response',
        result.items.map((item) => item.responseId),
        {
          filter,
        },
      );
      return result;
    });
  }

  /**
   * One version's responses as CSV, oldest first, read in batches of EXPORT_BATCH rows (each in its
   * own short transaction) while the client downloads: memory stays flat for any export size.
   */
  async exportResponses(
    caller: Principal,
    filter: ResponseFilter & { surveyId: string; version: number },
  ): Promise<Readable> {
    const { orgId } = caller;
    const version = await this.transactions.inTenant(orgId, async (manager) => {
      const found = await this.projections.findVersion(
        manager,
        orgId,
        filter.surveyId,
        filter.version,
      );
      if (!found) throw versionNotFound();
      await this.auditTrail.record(manager, {
        orgId,
        action: 'patient_data.exported',
        target: { type: 'survey_version', id: `${filter.surveyId}/${filter.version}` },
        metadata: {
          format: 'csv',
          ...(filter.from ? { from: filter.from } : {}),
          ...(filter.to ? { to: filter.to } : {}),
        },
      });
      return found;
    });
    const questions = outlineQuestions(version).map((question) => question.questionId);
    const fixed = [
      'response_id',
      'session_id',
      'external_appointment_id',
      'submitted_at',
      'language',
      'site',
      'provider',
    ];
    const repository = this.repository;
    const transactions = this.transactions;
    async function* lines(): AsyncGenerator<string> {
      yield csvRow([...fixed, ...questions]);
      let after: readonly string[] | undefined;
      for (;;) {
        const page = { limit: EXPORT_BATCH, ...(after ? { after } : {}) };
        const rows = await transactions.inTenant(orgId, (manager) =>
          repository.listResponses(manager, orgId, filter, page, true),
        );
        const kept = rows.slice(0, EXPORT_BATCH);
        let chunk = '';
        for (const row of kept) {
          chunk += csvRow([
            row.response_id,
            row.session_id,
            row.external_appointment_id,
            row.submitted_key,
            row.language,
            row.site ?? '',
            row.provider ?? '',
            ...questions.map((id) => answerText(row.answers[id], row.answers[`${id}-Comment`])),
          ]);
        }
        if (chunk) yield chunk;
        const last = kept[kept.length - 1];
        if (rows.length <= EXPORT_BATCH || !last) return;
        after = [last.submitted_key, last.response_id];
      }
    }
    return Readable.from(lines(), { objectMode: false });
  }

  listOptOuts(caller: Principal, page: PageRequest): Promise<CursorPage<OptOutItem>> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const rows = await this.repository.listOptOuts(manager, caller.orgId, page);
      const result = toPage(
        rows,
        page.limit,
        (row) => [row.created_key, row.contact_index],
        (row) => this.toOptOutItem(caller.orgId, row),
      );
      await this.auditRead(
        manager,
        caller,
        'opt_out',
        rows.slice(0, page.limit).flatMap((row) => (row.session_id ? [row.session_id] : [])),
        { masked: true },
      );
      return result;
    });
  }

  private toOptOutItem(orgId: string, row: OptOutRow): OptOutItem {
    let maskedContact: string | null = null;
    if (row.contact_kind === 'email' && row.email_sealed) {
      maskedContact = maskEmail(this.contacts.open(orgId, 'email', row.email_sealed));
    } else if (row.contact_kind === 'phone' && row.phone_sealed) {
      maskedContact = maskPhone(this.contacts.open(orgId, 'phone', row.phone_sealed));
    }
    return {
      contactKind: row.contact_kind,
      maskedContact,
      source: row.source,
      sessionId: row.session_id,
      createdAt: row.created_key,
    };
  }

  /**
   * A fresh respondent link for a phone follow-up: a new nonce (so every earlier link of the
   * session is refused from this commit on) and a new expiry, one session lifetime from now.
   */
  async reissueLink(caller: Principal, sessionId: string, now = new Date()): Promise<ReissuedLink> {
    const { orgId } = caller;
    const link = await this.transactions.inTenant(orgId, async (manager) => {
      const session = await this.repository.findSession(manager, orgId, sessionId);
      if (!session) throw sessionNotFound();
      if (session.status === 'skipped')
        sessionNotInvitedBecause(`it was skipped (${session.skip_reason ?? 'unknown'})`);
      if (session.response_id) throw sessionAnswered();
      if (session.opted_out_at) sessionNotInvitedBecause('the patient opted out');
      const settings =
        (await this.projections.findSettings(manager, orgId)) ?? DEFAULT_ORG_SETTINGS;
      const expiresAt = new Date(now.getTime() + settings.sessionLifetimeHours * HOUR);
      const { token, nonceDigest } = this.tokens.issue({ orgId, sessionId, expiresAt });
      if (!(await this.repository.replaceLink(manager, orgId, sessionId, nonceDigest, expiresAt))) {
        throw sessionNotFound();
      }
      await this.auditTrail.record(manager, {
        orgId,
        action: 'session.link.reissued',
        target: { type: 'feedback_session', id: sessionId },
        metadata: { expiresAt: expiresAt.toISOString() },
      });
      return {
        sessionId,
        respondentUrl: this.settings.respondentUrl(token),
        expiresAt: expiresAt.toISOString(),
      };
    });
    await this.forgetDraftGate(sessionId);
    return link;
  }

  /**
   * The respondent feature caches each session's current nonce in Redis (DraftStore's gate,
   * `<prefix>session:<id>`), so draft saves skip Postgres. After a new nonce the gate must go: the
   * next request re-reads the session and opens it with the new nonce, and the old link, no
   * longer in Postgres, cannot reopen it.
   */
  private async forgetDraftGate(sessionId: string): Promise<void> {
    await this.redis.del(`${this.settings.redisKeyPrefix}session:${sessionId}`);
  }

  private async auditRead(
    manager: EntityManager,
    caller: Principal,
    targetType: string,
    ids: string[],
    metadata: Record<string, unknown>,
  ): Promise<void> {
    // A page with nothing in it disclosed no patient data.
    if (ids.length === 0) return;
    await this.auditTrail.record(manager, {
      orgId: caller.orgId,
      action: 'patient_data.read',
      target: { type: targetType, id: ids.length === 1 ? (ids[0] ?? '') : `${ids.length} items` },
      metadata: { ...metadata, ids },
    });
  }
}

function sessionNotInvitedBecause(reason: string): never {
  throw sessionNotInvited(reason);
}
