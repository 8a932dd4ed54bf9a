import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface DailyActivity {
  day: string;
  eventType: string;
  eventCount: number;
}

@Injectable()
export class EventActivityRepository {
  async increment(
    manager: EntityManager,
    orgId: string,
    eventType: string,
    day: string,
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO event_activity_daily (org_id, event_type, day, event_count) VALUES ($1, $2, $3, 1)
       ON CONFLICT (org_id, day, event_type) DO UPDATE SET event_count = event_activity_daily.event_count + 1`,
      [orgId, eventType, day],
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
