import { randomUUID } from 'node:crypto';
import { EventTypes } from '@careloop/contracts';
import type { AppendEventInput, MessageHeaders } from '@careloop/messaging';
import { captureTraceHeaders, OutboxWriter } from '@careloop/messaging';
import type { GroupCommitOutcome } from '@careloop/persistence';
import { GroupCommit, TenantTransactions } from '@careloop/persistence';
import { validateAnswers } from '@careloop/surveys';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SurveyVersionRecord } from '../projections/projections.repository';
import { SurveyVersionCache } from '../projections/survey-version.cache';
import type { SubmissionResponse } from './dto/respondent.responses';
import type { VerifiedRespondentToken } from './respondent-token';
import { alreadySubmitted, answersInvalid, linkNotFound } from './respondent.errors';
import type {
  RespondentSession,
  ResponseRecord,
  SessionRow,
  StoredResponse,
} from './respondent.repository';
import { RespondentRepository, toRespondentSession } from './respondent.repository';
import type { TenantConnection } from './tenant-round-trips';
import { TenantRoundTrips } from './tenant-round-trips';

type SubmittedEvent = typeof EventTypes.SurveyResponseSubmitted;

/** One patient's submission waiting for its batch. */
export interface PendingSubmission {
  claims: VerifiedRespondentToken;
  answers: Record<string, unknown>;
  answersDigest: string;
  /** The request's trace context, for the event written in a transaction shared with others. */
  traceHeaders: MessageHeaders;
}

/**
 * The answer to a submission of a session already answered: the first answer again when the
 * answers are the same, else 409.
 */
export function repeatedSubmission(
  sessionId: string,
  response: StoredResponse,
  digest: string,
): SubmissionResponse {
  if (response.answersDigest !== digest) throw alreadySubmitted();
  return {
    responseId: response.responseId,
    sessionId,
    submittedAt: response.submittedAt.toISOString(),
  };
}

function outcomeOf(decide: () => SubmissionResponse): GroupCommitOutcome<SubmissionResponse> {
  try {
    return { status: 'done', value: decide() };
  } catch (error) {
    return { status: 'failed', error };
  }
}

/** A submission judged valid, to be written with its event. */
interface Accepted {
  index: number;
  session: RespondentSession;
  response: ResponseRecord;
  event: AppendEventInput<SubmittedEvent>;
}

/**
 * Writes submissions with group commit: the submissions to one organization that arrive together
 * share one tenant transaction of three round trips (read the sessions, write responses and events,
 * commit) instead of three each, so under load Postgres commits (and flushes its WAL) once per
 * batch. Each submission is still judged alone: its own 404, 409, 422 or answer.
 */
@Injectable()
export class SubmissionWriter {
  private readonly roundTrips: TenantRoundTrips;
  private readonly groupCommit = new GroupCommit<PendingSubmission, SubmissionResponse>(
    (orgId, submissions) => this.write(orgId, submissions),
    { maxBatchSize: 64, maxConcurrentBatches: 4 },
  );

  constructor(
    private readonly repository: RespondentRepository,
    private readonly versions: SurveyVersionCache,
    private readonly outbox: OutboxWriter,
    dataSource: DataSource,
    private readonly tenants: TenantTransactions,
  ) {
    this.roundTrips = new TenantRoundTrips(dataSource);
  }

  submit(
    claims: VerifiedRespondentToken,
    answers: Record<string, unknown>,
    answersDigest: string,
  ): Promise<SubmissionResponse> {
    return this.groupCommit.submit(claims.orgId, {
      claims,
      answers,
      answersDigest,
      traceHeaders: captureTraceHeaders(),
    });
  }

  private write(
    orgId: string,
    submissions: readonly PendingSubmission[],
  ): Promise<GroupCommitOutcome<SubmissionResponse>[]> {
    // A session submitted twice in one batch: the second waits for the next batch, which will
    // judge it against the first.
    const firstOfSession = new Map<string, number>();
    submissions.forEach((submission, index) => {
      if (!firstOfSession.has(submission.claims.sessionId))
        firstOfSession.set(submission.claims.sessionId, index);
    });
    const statement = this.repository.sessionsStatement(
      orgId,
      [...firstOfSession.values()].map((index) => submissions[index]!.claims),
    );
    return this.roundTrips.transaction<SessionRow, GroupCommitOutcome<SubmissionResponse>[]>(
      orgId,
      statement,
      async (rows, connection) => {
        const rowOf = new Map(rows.map((row) => [row.session_id, row]));
        const outcomes: GroupCommitOutcome<SubmissionResponse>[] = [];
        const accepted: Accepted[] = [];
        for (const [index, submission] of submissions.entries()) {
          if (firstOfSession.get(submission.claims.sessionId) !== index) {
            outcomes.push({ status: 'again' });
            continue;
          }
          const row = rowOf.get(submission.claims.sessionId);
          if (!row) {
            outcomes.push({ status: 'failed', error: linkNotFound() });
            continue;
          }
          const session = toRespondentSession(orgId, row);
          const version = await this.versionOf(orgId, session);
          const judged = this.judge(index, submission, session, version);
          if ('event' in judged) {
            accepted.push(judged);
            // Decided by writeAccepted once the statement says whether this session was still open.
            outcomes.push({ status: 'again' });
          } else {
            outcomes.push(judged);
          }
        }
        await this.writeAccepted(orgId, connection, accepted, outcomes);
        return outcomes;
      },
    );
  }

  /** The version the session was given, from memory once this process has served it. */
  private async versionOf(
    orgId: string,
    session: RespondentSession,
  ): Promise<SurveyVersionRecord | undefined> {
    return (
      this.versions.peek(orgId, session.surveyId, session.surveyVersion) ??
      (await this.tenants.inTenant(orgId, (manager) =>
        this.versions.get(manager, orgId, session.surveyId, session.surveyVersion),
      ))
    );
  }

  /** Answered, refused, or accepted for writing: types, ranges, required answers and logic. */
  private judge(
    index: number,
    submission: PendingSubmission,
    session: RespondentSession,
    version: SurveyVersionRecord | undefined,
  ): GroupCommitOutcome<SubmissionResponse> | Accepted {
    const { claims, answers, answersDigest } = submission;
    if (!version) return { status: 'failed', error: linkNotFound() };
    const { response: stored } = session;
    if (stored)
      return outcomeOf(() => repeatedSubmission(session.sessionId, stored, answersDigest));
    const validation = validateAnswers(version, answers, session.language);
    if (!validation.ok) {
      return {
        status: 'failed',
        error: answersInvalid(
          validation.errors.map((error) => ({
            field: error.questionId ? `answers.${error.questionId}` : 'answers',
            message: error.questionId ? `${error.questionId} ${error.message}` : error.message,
          })),
        ),
      };
    }
    const response: ResponseRecord = {
      responseId: randomUUID(),
      sessionId: session.sessionId,
      surveyId: session.surveyId,
      surveyVersion: session.surveyVersion,
      language: session.language,
      answers,
      answersDigest,
      submittedAt: new Date(),
    };
    return {
      index,
      session,
      response,
      event: {
        subject: session.sessionId,
        orgId: claims.orgId,
        traceHeaders: submission.traceHeaders,
        data: {
          responseId: response.responseId,
          sessionId: session.sessionId,
          orgId: claims.orgId,
          surveyId: session.surveyId,
          surveyVersion: session.surveyVersion,
          answers,
          submittedAt: response.submittedAt.toISOString(),
          language: session.language,
          externalAppointmentId: session.externalAppointmentId,
          ...(session.site !== undefined ? { site: session.site } : {}),
          ...(session.provider !== undefined ? { provider: session.provider } : {}),
        },
      },
    };
  }

  /**
   * Responses and their events in one statement; a session a concurrent writer answered first
   * (another batch, another instance) is judged against that answer. Stored drafts of the
   * answered sessions go in the same transaction.
   */
  private async writeAccepted(
    orgId: string,
    connection: TenantConnection,
    accepted: readonly Accepted[],
    outcomes: GroupCommitOutcome<SubmissionResponse>[],
  ): Promise<void> {
    if (accepted.length === 0) return;
    const written = await this.outbox.appendForChanged(
      connection,
      this.repository.responsesStatement(
        orgId,
        accepted.map((submission) => submission.response),
      ),
      EventTypes.SurveyResponseSubmitted,
      accepted.map((submission) => submission.event),
    );
    const lost = accepted.filter((submission) => !written.has(submission.session.sessionId));
    const winners =
      lost.length > 0
        ? await this.repository.findResponses(
            connection,
            orgId,
            lost.map((submission) => submission.session.sessionId),
          )
        : new Map<string, StoredResponse>();
    for (const submission of accepted) {
      const { sessionId } = submission.session;
      if (written.has(sessionId)) {
        outcomes[submission.index] = {
          status: 'done',
          value: {
            responseId: submission.response.responseId,
            sessionId,
            submittedAt: submission.response.submittedAt.toISOString(),
          },
        };
        continue;
      }
      const winner = winners.get(sessionId);
      outcomes[submission.index] = winner
        ? outcomeOf(() => repeatedSubmission(sessionId, winner, submission.response.answersDigest))
        : {
            status: 'failed',
            error: new Error('response insert conflicted but no response exists'),
          };
    }
    const withStoredDraft = accepted
      .filter(
        (submission) =>
          submission.session.storedDraft !== undefined && written.has(submission.session.sessionId),
      )
      .map((submission) => submission.session.sessionId);
    if (withStoredDraft.length > 0) {
      await connection.script(this.repository.deleteDraftsStatement(orgId, withStoredDraft));
    }
  }
}
