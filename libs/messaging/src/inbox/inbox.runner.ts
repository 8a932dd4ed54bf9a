import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** What a consumer did with one event; `duplicate` means it had been applied before. */
export type HandlerOutcome = 'processed' | 'skipped' | 'duplicate';

export interface InboxEvent {
  id: string;
  type: string;
}

interface SharedTransaction {
  manager: EntityManager;
  /** `<event id>/<consumer>` pairs applied before or earlier in this transaction. */
  seen: Set<string>;
  claims: {
    eventId: string;
    consumer: string;
    eventType: string;
    outcome: 'processed' | 'skipped';
  }[];
}

interface TransactionState {
  state: unknown;
  flush: (() => Promise<void>) | undefined;
}

/** An event's effect; resolving to `'skipped'` records a skip, anything else counts as processed. */
export type InboxEffect = (manager: EntityManager) => Promise<unknown>;

/**
 * Applies an event's effect at most once per consumer: the event id is inserted into the inbox in
 * the same transaction as the effect, so a redelivered event (crash before the offset commit, a
 * rebalance, a replay) finds its id and changes nothing.
 *
 * The Kafka event server may wrap a chunk of deliveries in one shared transaction
 * (`inSharedTransaction`): one look-up of the chunk's ids, the effects, one insert of every claim, one
 * commit, so about one round trip per event instead of four. The claims are inserted without
 * ON CONFLICT: if another consumer instance applied one of these events meanwhile, the insert fails,
 * the whole chunk rolls back, and the server replays it one event per transaction. Any failing
 * effect does the same, so one bad event never takes good ones with it.
 */
export class InboxRunner {
  private readonly sharedTransaction = new AsyncLocalStorage<SharedTransaction>();
  private readonly transactionStates = new WeakMap<EntityManager, Map<string, TransactionState>>();

  constructor(private readonly dataSource: DataSource) {}

  async once(event: InboxEvent, consumer: string, effect: InboxEffect): Promise<HandlerOutcome> {
    const shared = this.sharedTransaction.getStore();
    if (shared) return this.applyShared(shared, event, consumer, effect);
    return this.dataSource.transaction((manager) => this.apply(manager, event, consumer, effect));
  }

  /** Runs `work` in one transaction that every `once` inside it joins; commits when `work` resolves. */
  inSharedTransaction<T>(eventIds: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const applied: { key: string }[] = await manager.query(
        `SELECT event_id::text || '/' || consumer AS key FROM inbox_message WHERE event_id = ANY($1::uuid[])`,
        [eventIds],
      );
      const shared: SharedTransaction = {
        manager,
        seen: new Set(applied.map((row) => row.key)),
        claims: [],
      };
      const result = await this.sharedTransaction.run(shared, work);
      await this.runBeforeCommit(manager);
      if (shared.claims.length > 0) {
        await manager.query(
          `INSERT INTO inbox_message (event_id, consumer, event_type, outcome)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
          [
            shared.claims.map((claim) => claim.eventId),
            shared.claims.map((claim) => claim.consumer),
            shared.claims.map((claim) => claim.eventType),
            shared.claims.map((claim) => claim.outcome),
          ],
        );
      }
      return result;
    });
  }

  /**
   * State kept for the rest of an inbox transaction, made on first use and shared under `key` by
   * every effect in it: a chunk's rules read once, a counter its events add to. `beforeCommit`
   * writes it after the last effect, so a chunk of events that each add to one counter updates its
   * row once, and the write still commits or rolls back with their inbox claims.
   */
  transactionState<S>(
    manager: EntityManager,
    key: string,
    create: () => S,
    beforeCommit?: (state: S) => Promise<void>,
  ): S {
    let work = this.transactionStates.get(manager);
    if (!work) {
      work = new Map();
      this.transactionStates.set(manager, work);
    }
    let entry = work.get(key);
    if (!entry) {
      const state = create();
      entry = { state, flush: beforeCommit ? () => beforeCommit(state) : undefined };
      work.set(key, entry);
    }
    return entry.state as S;
  }

  private async runBeforeCommit(manager: EntityManager): Promise<void> {
    const work = this.transactionStates.get(manager);
    if (!work) return;
    this.transactionStates.delete(manager);
    for (const entry of work.values()) if (entry.flush) await entry.flush();
  }

  private async applyShared(
    shared: SharedTransaction,
    event: InboxEvent,
    consumer: string,
    effect: InboxEffect,
  ): Promise<HandlerOutcome> {
    const key = `${event.id}/${consumer}`;
    if (shared.seen.has(key)) return 'duplicate';
    shared.seen.add(key);
    const outcome = (await effect(shared.manager)) === 'skipped' ? 'skipped' : 'processed';
    shared.claims.push({ eventId: event.id, consumer, eventType: event.type, outcome });
    return outcome;
  }

  private async apply(
    manager: EntityManager,
    event: InboxEvent,
    consumer: string,
    effect: InboxEffect,
  ): Promise<HandlerOutcome> {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO inbox_message (event_id, consumer, event_type, outcome)
       VALUES ($1, $2, $3, 'processed')
       ON CONFLICT (event_id, consumer) DO NOTHING
       RETURNING event_id`,
      [event.id, consumer, event.type],
    );
    if (claimed.length === 0) return 'duplicate';
    const outcome = await effect(manager);
    await this.runBeforeCommit(manager);
    if (outcome === 'skipped') {
      await manager.query(
        `UPDATE inbox_message SET outcome = 'skipped' WHERE event_id = $1 AND consumer = $2`,
        [event.id, consumer],
      );
      return 'skipped';
    }
    return 'processed';
  }
}
