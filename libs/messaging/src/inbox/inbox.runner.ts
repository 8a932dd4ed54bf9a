import type { DataSource, EntityManager } from 'typeorm';

/** What a consumer did with one event; `duplicate` means it had been applied before. */
export type HandlerOutcome = 'processed' | 'skipped' | 'duplicate';

export interface InboxEvent {
  id: string;
  type: string;
}

/**
 * Applies an event's effect at most once per consumer: the event id is inserted into the inbox in
 * the same transaction as the effect, so a redelivered event (crash before the offset commit, a
 * rebalance, a replay) finds its id and changes nothing.
 */
export class InboxRunner {
  constructor(private readonly dataSource: DataSource) {}

  async once(
    event: InboxEvent,
    consumer: string,
    effect: (manager: EntityManager) => Promise<'processed' | 'skipped' | void>,
  ): Promise<HandlerOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO inbox_message (event_id, consumer, event_type, outcome)
         VALUES ($1, $2, $3, 'processed')
         ON CONFLICT (event_id, consumer) DO NOTHING
         RETURNING event_id`,
        [event.id, consumer, event.type],
      );
      if (claimed.length === 0) return 'duplicate';
      const outcome = (await effect(manager)) ?? 'processed';
      if (outcome === 'skipped') {
        await manager.query(
          `UPDATE inbox_message SET outcome = 'skipped' WHERE event_id = $1 AND consumer = $2`,
          [event.id, consumer],
        );
      }
      return outcome;
    });
  }
}
