import type { CloudEvent } from '@careloop/contracts';
import { InboxRunner } from '@careloop/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ActivityIncrement } from './event-activity.repository';
import { EventActivityRepository } from './event-activity.repository';

/** The UTC calendar day an event happened on: the rollup's bucket. */
export function activityDayOf(event: Pick<CloudEvent<unknown>, 'time'>): string {
  return new Date(event.time).toISOString().slice(0, 10);
}

/** One transaction's events counted per org, day and type, to be added in one statement per org. */
export class ActivityCounts {
  private readonly byOrg = new Map<string, Map<string, ActivityIncrement>>();

  add(orgId: string, eventType: string, day: string): void {
    let increments = this.byOrg.get(orgId);
    if (!increments) {
      increments = new Map();
      this.byOrg.set(orgId, increments);
    }
    const key = `${day}/${eventType}`;
    const increment = increments.get(key);
    if (increment) increment.count += 1;
    else increments.set(key, { eventType, day, count: 1 });
  }

  *perOrg(): Iterable<[orgId: string, increments: ActivityIncrement[]]> {
    for (const [orgId, increments] of this.byOrg) yield [orgId, [...increments.values()]];
  }
}

/**
 * Counts every domain event per org, type and day: the platform's activity rollup, and the
 * simplest projection that proves replaying a topic rebuilds the same numbers. A chunk of events
 * applied in one inbox transaction updates each (org, day, type) row once, not once per event:
 * most events of a busy org land on the same few rows.
 */
@Injectable()
export class EventActivityService {
  constructor(
    private readonly activity: EventActivityRepository,
    private readonly inbox: InboxRunner,
  ) {}

  record(manager: EntityManager, event: CloudEvent<unknown>): Promise<'processed' | 'skipped'> {
    // Platform-level events (identity.*) belong to no tenant; the rollup is per org.
    if (!event.orgid) return Promise.resolve('skipped');
    const counts = this.inbox.transactionState(
      manager,
      'event-activity',
      () => new ActivityCounts(),
      (pending) => this.addCounts(manager, pending),
    );
    counts.add(event.orgid, event.type, activityDayOf(event));
    return Promise.resolve('processed');
  }

  private async addCounts(manager: EntityManager, counts: ActivityCounts): Promise<void> {
    for (const [orgId, increments] of counts.perOrg()) {
      await this.activity.increment(manager, orgId, increments);
    }
  }
}
