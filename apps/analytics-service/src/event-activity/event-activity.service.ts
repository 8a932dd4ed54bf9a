import type { CloudEvent } from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventActivityRepository } from './event-activity.repository';

/** The UTC calendar day an event happened on: the rollup's bucket. */
export function activityDayOf(event: Pick<CloudEvent<unknown>, 'time'>): string {
  return new Date(event.time).toISOString().slice(0, 10);
}

/**
 * Counts every domain event per org, type and day: the platform's activity rollup, and the
 * simplest projection that proves replaying a topic rebuilds the same numbers.
 */
@Injectable()
export class EventActivityService {
  constructor(private readonly activity: EventActivityRepository) {}

  async record(
    manager: EntityManager,
    event: CloudEvent<unknown>,
  ): Promise<'processed' | 'skipped'> {
    // Platform-level events (identity.*) belong to no tenant; the rollup is per org.
    if (!event.orgid) return 'skipped';
    await this.activity.increment(manager, event.orgid, event.type, activityDayOf(event));
    return 'processed';
  }
}
