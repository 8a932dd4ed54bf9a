import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { PatientErasureProgressedV1, PatientErasureRequestedV1 } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { REDIS, TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { outlineQuestions } from '@careloop/surveys';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';
import { SurveyVersionCache } from '../projections/survey-version.cache';
import { FeedbackSettings } from '../sessions/feedback-settings';
import { PatientContactProtector } from '../sessions/patient-contact';
import type { ErasureAccepted, ErasureProgressResponse } from './dto/erasure.dto';
import { erasureNotFound } from './erasure.errors';
import type { PatientSession } from './erasure.repository';
import { ErasureRepository } from './erasure.repository';
import { withoutFreeText } from './free-text';

/** This service's name in progress reports. */
export const FEEDBACK_SERVICE = 'feedback-service';

/**
 * Every service that keeps patient data and must report on an erasure (DESIGN.md §1): a new such
 * service is added here, and its `patient.erasure.requested` consumer answers with
 * `patient.erasure.progressed`.
 */
export const ERASURE_PARTICIPANTS = [
  FEEDBACK_SERVICE,
  'notification-service',
  'analytics-service',
] as const;

/**
 * Patient erasure: feedback-service erases its own data in the request's transaction (sessions'
 * contact and indexes, drafts, free text of responses and alert excerpts, intake digests) and
 * publishes `patient.erasure.requested` for the other services; each reports back with
 * `patient.erasure.progressed`, and the request is done when every participant has.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly repository: ErasureRepository,
    private readonly versions: SurveyVersionCache,
    private readonly contacts: PatientContactProtector,
    private readonly transactions: TenantTransactions,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
    private readonly settings: FeedbackSettings,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async request(caller: Principal, patientExternalId: string): Promise<ErasureAccepted> {
    const { orgId } = caller;
    const erasureId = randomUUID();
    const requestedAt = new Date();
    const patientIndex = this.contacts.indexesOf(orgId, { externalId: patientExternalId }).patient;
    const sessions = await this.transactions.inTenant(orgId, async (manager) => {
      const found = await this.repository.sessionsOfPatient(manager, orgId, patientIndex);
      const erasedRecords = await this.eraseOwnData(manager, orgId, found);
      const requestedBy = caller.userId ?? caller.clientId ?? 'unknown';
      await this.repository.insertRequest(
        manager,
        orgId,
        { erasureId, patientIndex, sessionCount: found.length, requestedBy, requestedAt },
        ERASURE_PARTICIPANTS.map((service) =>
          service === FEEDBACK_SERVICE
            ? { service, status: 'done', erasedRecords, reportedAt: requestedAt }
            : { service, status: 'pending', erasedRecords: null, reportedAt: null },
        ),
      );
      const requested: PatientErasureRequestedV1 = {
        erasureRequestId: erasureId,
        orgId,
        contactBlindIndexes: [
          ...new Set(found.flatMap((session) => [session.emailIndex, session.phoneIndex])),
        ].filter((index): index is string => index !== undefined),
        sessionIds: found.map((session) => session.sessionId),
        requestedBy,
        requestedAt: requestedAt.toISOString(),
      };
      await this.outbox.append(manager, EventTypes.PatientErasureRequested, {
        subject: erasureId,
        orgId,
        data: requested,
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'patient.erasure.requested',
        target: { type: 'patient_erasure', id: erasureId },
        metadata: { sessions: found.length, erasedRecords },
      });
      return found;
    });
    await this.forgetDrafts(orgId, sessions);
    return { erasureId, status: 'pending' };
  }

  private async eraseOwnData(
    manager: EntityManager,
    orgId: string,
    sessions: PatientSession[],
  ): Promise<number> {
    if (sessions.length === 0) return 0;
    const sessionIds = sessions.map((session) => session.sessionId);
    let erased = await this.repository.anonymiseSessions(manager, orgId, sessionIds);
    for (const response of await this.repository.responsesOf(manager, orgId, sessionIds)) {
      const version = await this.versions.get(
        manager,
        orgId,
        response.surveyId,
        response.surveyVersion,
      );
      const kinds = new Map(
        version
          ? outlineQuestions(version).map((question) => [question.questionId, question.kind])
          : [],
      );
      const { answers, removed } = withoutFreeText(response.answers, kinds);
      await this.repository.replaceAnswers(manager, orgId, response.responseId, answers);
      erased += removed;
    }
    erased += await this.repository.redactAlerts(manager, orgId, sessionIds);
    erased += await this.repository.anonymiseIntake(
      manager,
      orgId,
      sessions.map((session) => session.externalAppointmentId),
    );
    return erased;
  }

  /**
   * Drafts in Redis (the respondent feature's `<prefix>draft:<id>`, its gate `session:<id>` and
   * the dirty set) go after the commit; a failure is logged, and the drafts expire with their TTL.
   */
  private async forgetDrafts(orgId: string, sessions: PatientSession[]): Promise<void> {
    if (sessions.length === 0) return;
    const prefix = this.settings.redisKeyPrefix;
    try {
      await this.redis
        .multi()
        .del(
          ...sessions.flatMap(({ sessionId }) => [
            `${prefix}draft:${sessionId}`,
            `${prefix}session:${sessionId}`,
          ]),
        )
        .zrem(`${prefix}drafts:dirty`, ...sessions.map(({ sessionId }) => `${orgId}/${sessionId}`))
        .exec();
    } catch (error) {
      this.logger.error({
        msg: 'erased drafts not removed from Redis; they expire with their TTL',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** A participant's report; an unknown request (another org's, or a replay) is skipped. */
  async recordProgress(
    manager: EntityManager,
    report: PatientErasureProgressedV1,
  ): Promise<'processed' | 'skipped'> {
    const known = await this.repository.recordProgress(
      manager,
      report.orgId,
      report.erasureRequestId,
      {
        service: report.service,
        status: report.status,
        erasedRecords: report.erasedRecords,
        reportedAt: new Date(report.reportedAt),
      },
    );
    return known ? 'processed' : 'skipped';
  }

  get(caller: Principal, erasureId: string): Promise<ErasureProgressResponse> {
    return this.transactions.inTenant(caller.orgId, async (manager) => {
      const erasure = await this.repository.find(manager, caller.orgId, erasureId);
      if (!erasure) throw erasureNotFound();
      const done = erasure.services.every((service) => service.status === 'done');
      const reported = erasure.services
        .map((service) => service.reportedAt?.getTime() ?? 0)
        .reduce((latest, time) => Math.max(latest, time), 0);
      return {
        erasureId,
        status: done ? 'done' : 'pending',
        sessionCount: erasure.sessionCount,
        requestedAt: erasure.requestedAt.toISOString(),
        completedAt: done ? new Date(reported).toISOString() : null,
        services: erasure.services.map((service) => ({
          service: service.service,
          status: service.status,
          erasedRecords: service.erasedRecords,
          reportedAt: service.reportedAt ? service.reportedAt.toISOString() : null,
        })),
      };
    });
  }
}
