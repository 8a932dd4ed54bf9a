import { randomUUID } from 'node:crypto';
import { TenantTransactions } from '@careloop/persistence';
import { PeriodicTask } from '@careloop/runtime';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { FeedbackSettings } from '../sessions/feedback-settings';
import type { DirtyDraft } from './draft.store';
import { DraftStore } from './draft.store';
import type { DraftToStore } from './respondent.repository';
import { RespondentRepository } from './respondent.repository';

const BATCH = 500;

/**
 * Copies drafts saved in Redis to Postgres every DRAFT_SYNC_INTERVAL_MS (and once more at
 * shutdown), so a Redis loss costs at most the saves of one interval. Per org one transaction and
 * one statement; a draft is marked clean only if it was not saved again meanwhile.
 */
@Injectable()
export class DraftSyncService implements OnModuleInit, OnApplicationShutdown {
  private readonly holder = randomUUID();
  private readonly task: PeriodicTask;

  constructor(
    private readonly drafts: DraftStore,
    private readonly repository: RespondentRepository,
    private readonly transactions: TenantTransactions,
    private readonly settings: FeedbackSettings,
  ) {
    this.task = new PeriodicTask('draft sync', settings.draftSyncIntervalMs, async () => {
      await this.syncAll();
    });
  }

  onModuleInit(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.task.runNow();
  }

  /** Syncs every dirty draft; returns how many were written. */
  async syncAll(): Promise<number> {
    const lockTtl = Math.max(this.settings.draftSyncIntervalMs * 4, 30_000);
    if (!(await this.drafts.acquireSyncLock(this.holder, lockTtl))) return 0;
    try {
      let written = 0;
      for (;;) {
        const batch = await this.drafts.dirty(BATCH);
        if (batch.length === 0) break;
        written += await this.syncBatch(batch);
        if (batch.length < BATCH) break;
      }
      return written;
    } finally {
      await this.drafts.releaseSyncLock(this.holder);
    }
  }

  private async syncBatch(batch: readonly DirtyDraft[]): Promise<number> {
    const byOrg = new Map<string, DraftToStore[]>();
    for (const entry of batch) {
      if (!entry.draft) continue;
      const list = byOrg.get(entry.orgId) ?? [];
      list.push({ sessionId: entry.sessionId, ...entry.draft });
      byOrg.set(entry.orgId, list);
    }
    for (const [orgId, drafts] of byOrg) {
      await this.transactions.inTenant(orgId, (manager) =>
        this.repository.storeDrafts(manager, orgId, drafts),
      );
    }
    await this.drafts.markClean(batch);
    return [...byOrg.values()].reduce((sum, drafts) => sum + drafts.length, 0);
  }
}
