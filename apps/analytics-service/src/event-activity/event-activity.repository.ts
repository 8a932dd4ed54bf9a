import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface DailyActivity {
  day: string;
  eventType: string;
  eventCount: number;
}

export interface ActivityIncrement {
  eventType: string;
  day: string;
  count: number;
}

@Injectable()
export class EventActivityRepository {
  /** Adds each count to its org's day and type (one statement for a whole batch of events). */
  async increment(
    manager: EntityManager,
    orgId: string,
    increments: readonly ActivityIncrement[],
  ): Promise<void> {
    if (increments.length === 0) return;
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO event_activity_daily (org_id, event_type, day, event_count)
       SELECT $1, increment.event_type, increment.day, increment.count
         FROM unnest($2::text[], $3::date[], $4::bigint[]) AS increment(event_type, day, count)
       ON CONFLICT (org_id, day, event_type)
       DO UPDATE SET event_count = event_activity_daily.event_count + EXCLUDED.event_count`,
      [
        orgId,
        increments.map((increment) => increment.eventType),
        increments.map((increment) => increment.day),
        increments.map((increment) => increment.count),
      ],
    );
  }

  async listForOrg(
    manager: EntityManager,
    orgId: string,
    from: string,
    to: string,
  ): Promise<DailyActivity[]> {
    await bindTenant(manager, orgId);
    const rows: { day: string; event_type: string; event_count: string }[] = await manager.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, event_type, event_count FROM event_activity_daily
        WHERE org_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, event_type`,
      [orgId, from, to],
    );
    return rows.map((row) => ({
      day: row.day,
      eventType: row.event_type,
      eventCount: Number(row.event_count),
    }));
  }
}
