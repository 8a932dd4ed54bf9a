import { AuditTrail } from '@careloop/audit';
import { DomainError } from '@careloop/runtime';
import { localize, visibleQuestions } from '@careloop/surveys';
import { TenantTransactions } from '@careloop/persistence';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { OptOutsRepository } from '../opt-outs/opt-outs.repository';
import type { SurveyVersionRecord } from '../projections/projections.repository';
import { SurveyVersionCache } from '../projections/survey-version.cache';
import { answersDigest } from './canonical-answers';
import type {
  DraftSavedResponse,
  OptOutResponse,
  RespondentSurveyResponse,
  SubmissionResponse,
} from './dto/respondent.responses';
import { DraftStore } from './draft.store';
import type { VerifiedRespondentToken } from './respondent-token';
import { RespondentTokens } from './respondent-token';
import { alreadySubmitted, linkNotFound } from './respondent.errors';
import type { RespondentSession, SessionRow, StoredDraft } from './respondent.repository';
import { RespondentRepository, toRespondentSession } from './respondent.repository';
import { SubmissionWriter } from './submission.writer';
import { TenantRoundTrips } from './tenant-round-trips';

interface OpenedSession {
  session: RespondentSession;
  version: SurveyVersionRecord;
}

function newer(a: StoredDraft | undefined, b: StoredDraft | undefined): StoredDraft | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.savedAt.getTime() >= b.savedAt.getTime() ? a : b;
}

/**
 * The patient's side of a session. The signed token names org and session, so the tenant is bound
 * before any query; a token that does not verify, or names a session that is not open under that
 * nonce, is a 404 with nothing more said.
 */
@Injectable()
export class RespondentService {
  private readonly logger = new Logger(RespondentService.name);
  private readonly roundTrips: TenantRoundTrips;

  constructor(
    private readonly tokens: RespondentTokens,
    private readonly repository: RespondentRepository,
    private readonly versions: SurveyVersionCache,
    private readonly drafts: DraftStore,
    private readonly optOuts: OptOutsRepository,
    dataSource: DataSource,
    private readonly tenants: TenantTransactions,
    private readonly auditTrail: AuditTrail,
    private readonly submissions: SubmissionWriter,
  ) {
    this.roundTrips = new TenantRoundTrips(dataSource);
  }

  private verify(token: string): VerifiedRespondentToken {
    const claims = this.tokens.verify(token);
    if (!claims) throw linkNotFound();
    return claims;
  }

  /** Session and version in one tenant transaction; the version usually comes from memory. */
  private async open(
    manager: EntityManager,
    claims: VerifiedRespondentToken,
  ): Promise<OpenedSession> {
    const session = await this.repository.findSession(
      manager,
      claims.orgId,
      claims.sessionId,
      claims.nonceDigest,
    );
    if (!session) throw linkNotFound();
    const version = await this.versions.get(
      manager,
      claims.orgId,
      session.surveyId,
      session.surveyVersion,
    );
    if (!version) throw linkNotFound();
    return { session, version };
  }

  /**
   * The session from the rows of `sessionStatement` and its version, from memory once this
   * process has served it (a miss loads it in a tenant transaction of its own).
   */
  private async opened(
    claims: VerifiedRespondentToken,
    rows: readonly SessionRow[],
  ): Promise<OpenedSession> {
    const [row] = rows;
    if (!row) throw linkNotFound();
    const session = toRespondentSession(claims.orgId, row);
    const version =
      this.versions.peek(claims.orgId, session.surveyId, session.surveyVersion) ??
      (await this.tenants.inTenant(claims.orgId, (manager) =>
        this.versions.get(manager, claims.orgId, session.surveyId, session.surveyVersion),
      ));
    if (!version) throw linkNotFound();
    return { session, version };
  }

  private sessionStatement(claims: VerifiedRespondentToken): string {
    return this.repository.sessionStatement(claims.orgId, claims.sessionId, claims.nonceDigest);
  }

  async view(token: string): Promise<RespondentSurveyResponse> {
    const claims = this.verify(token);
    const [{ session, version }, cachedDraft] = await Promise.all([
      this.roundTrips
        .read<SessionRow>(claims.orgId, this.sessionStatement(claims))
        .then((rows) => this.opened(claims, rows)),
      this.drafts.load(claims.sessionId).catch(() => undefined),
    ]);
    const submitted = session.response !== undefined;
    void this.drafts
      .openGate(session.sessionId, claims.nonceDigest, claims.expiresAt, submitted)
      .catch(() => undefined);
    const draft = submitted ? undefined : newer(cachedDraft, session.storedDraft);
    return {
      sessionId: session.sessionId,
      status: submitted ? 'submitted' : 'open',
      language: session.language,
      expiresAt: session.expiresAt.toISOString(),
      survey: {
        surveyId: version.surveyId,
        version: version.version,
        title:
          localize(
            version.definition['title'] as string | Record<string, string> | undefined,
            session.language,
            version.defaultLanguage,
          ) ?? version.title,
        defaultLanguage: version.defaultLanguage,
        languages: version.languages,
      },
      definition: version.definition,
      questions: visibleQuestions(version, draft?.answers ?? {}, session.language),
      draft: draft ? { answers: draft.answers, savedAt: draft.savedAt.toISOString() } : null,
      ...(session.response ? { submittedAt: session.response.submittedAt.toISOString() } : {}),
    };
  }

  /**
   * A partial save: one Redis round trip when the session's gate is known; otherwise Postgres is
   * asked once and the gate opened. Without Redis the draft goes straight to Postgres.
   */
  async saveDraft(token: string, answers: Record<string, unknown>): Promise<DraftSavedResponse> {
    const claims = this.verify(token);
    const draft: StoredDraft = { answers, savedAt: new Date() };
    let outcome;
    try {
      outcome = await this.drafts.save(claims.orgId, claims.sessionId, claims.nonceDigest, draft);
      if (outcome === 'unknown-session') {
        const { session } = await this.tenants.inTenant(claims.orgId, (manager) =>
          this.open(manager, claims),
        );
        await this.drafts.openGate(
          session.sessionId,
          claims.nonceDigest,
          claims.expiresAt,
          session.response !== undefined,
        );
        outcome = await this.drafts.save(claims.orgId, claims.sessionId, claims.nonceDigest, draft);
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn({
        msg: 'draft not saved in Redis; writing it to Postgres',
        error: error instanceof Error ? error.message : String(error),
      });
      return this.saveDraftInPostgres(claims, draft);
    }
    if (outcome === 'closed') throw alreadySubmitted();
    if (outcome !== 'saved') throw linkNotFound();
    return { savedAt: draft.savedAt.toISOString() };
  }

  private saveDraftInPostgres(
    claims: VerifiedRespondentToken,
    draft: StoredDraft,
  ): Promise<DraftSavedResponse> {
    return this.tenants.inTenant(claims.orgId, async (manager) => {
      const { session } = await this.open(manager, claims);
      if (session.response) throw alreadySubmitted();
      await this.repository.storeDrafts(manager, claims.orgId, [
        { sessionId: session.sessionId, ...draft },
      ]);
      return { savedAt: draft.savedAt.toISOString() };
    });
  }

  /**
   * Validates the answers against the session's version (types, ranges, required, logic) and
   * writes the response with `survey.response.submitted`, in a transaction shared with the
   * organization's other submissions of the moment (group commit). The same answers again get the
   * first submission's answer; different ones a 409.
   */
  async submit(token: string, answers: Record<string, unknown>): Promise<SubmissionResponse> {
    const claims = this.verify(token);
    const result = await this.submissions.submit(claims, answers, answersDigest(answers));
    await this.drafts.close(claims.orgId, claims.sessionId).catch(() => undefined);
    return result;
  }

  /**
   * The patient asks not to be surveyed again by this organization: every contact of theirs
   * (patient id, email, phone) is recorded by blind index. Idempotent; audited once, as the patient.
   */
  async optOut(token: string): Promise<OptOutResponse> {
    const claims = this.verify(token);
    return this.tenants.inTenant(claims.orgId, async (manager) => {
      const { session } = await this.open(manager, claims);
      const recorded = await this.optOuts.record(
        manager,
        claims.orgId,
        session.indexes,
        'respondent',
        session.sessionId,
      );
      const marked = await this.repository.markOptedOut(manager, claims.orgId, session.sessionId);
      if (recorded > 0 || marked) {
        await this.auditTrail.record(manager, {
          orgId: claims.orgId,
          action: 'patient.opted_out',
          target: { type: 'feedback_session', id: session.sessionId },
          actor: { id: session.sessionId, type: 'patient' },
          metadata: { contacts: recorded },
        });
      }
      return { optedOut: true };
    });
  }
}
