import { EventTypes } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import { PeriodicTask } from '@careloop/runtime';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FeedbackSettings } from './feedback-settings';
import type { DueSession } from './session-expiry.repository';
import { SessionExpiryRepository } from './session-expiry.repository';

const BATCH = 500;

/**
 * Announces `feedback.session.expired` for every session whose link expired unanswered, once per
 * expiry (a reissued link that expires again is announced again), every
 * SESSION_EXPIRY_SWEEP_INTERVAL_MS. Safe with several replicas: a session is announced by whichever
 * sweep marks it first, in the transaction that writes its event. An answered session is marked
 * too, without an event, so no sweep looks at it again.
 */
@Injectable()
export class SessionExpiryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly repository: SessionExpiryRepository,
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly outbox: OutboxWriter,
    settings: FeedbackSettings,
  ) {
    this.task = new PeriodicTask(
      'session expiry sweep',
      settings.expirySweepIntervalMs,
      async () => {
        const announced = await this.sweep();
        if (announced > 0) this.logger.log({ msg: 'session expiries announced', announced });
      },
    );
  }

  onModuleInit(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Announces every expiry due now; returns how many events it wrote. */
  async sweep(): Promise<number> {
    let announced = 0;
    for (;;) {
      const due = await this.dataSource.transaction((manager) =>
        this.repository.due(manager, BATCH),
      );
      for (const [orgId, sessionIds] of byOrganization(due)) {
        announced += await this.announce(orgId, sessionIds);
      }
      if (due.length < BATCH) return announced;
    }
  }

  private announce(orgId: string, sessionIds: readonly string[]): Promise<number> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const expired = await this.repository.markAnnounced(manager, orgId, sessionIds);
      const unanswered = expired.filter((session) => !session.answered);
      await this.outbox.appendMany(
        manager,
        EventTypes.FeedbackSessionExpired,
        unanswered.map((session) => ({
          subject: session.sessionId,
          orgId,
          data: {
            sessionId: session.sessionId,
            orgId,
            surveyId: session.surveyId,
            surveyVersion: session.surveyVersion,
            externalAppointmentId: session.externalAppointmentId,
            hadDraft: session.hadDraft,
            expiredAt: session.expiredAt.toISOString(),
          },
        })),
      );
      return unanswered.length;
    });
  }
}

function byOrganization(due: readonly DueSession[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const { orgId, sessionId } of due) {
    const list = grouped.get(orgId) ?? [];
    list.push(sessionId);
    grouped.set(orgId, list);
  }
  return grouped;
}
