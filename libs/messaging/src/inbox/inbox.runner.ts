import { AsyncLocalStorage } from 'node:async_hooks';
import {
  beginWith,
  commitWith,
  nameLiteral,
  rememberTenantBound,
  tenantBindingStatement,
  uuidLiteral,
} from '@careloop/persistence';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** What a consumer did with one event; `duplicate` means it had been applied before. */
export type HandlerOutcome = 'processed' | 'skipped' | 'duplicate';

export interface InboxEvent {
  id: string;
  type: string;
  /** The event's tenant (CloudEvents `orgid`); the transaction is bound to it from the start. */
  orgid?: string;
}

interface Claim {
  eventId: string;
  consumer: string;
  eventType: string;
  outcome: 'processed' | 'skipped';
}

/** An inbox transaction once open: its query runner, what was applied before, what it claims. */
interface OpenTransaction {
  runner: QueryRunner;
  /** `<event id>/<consumer>` pairs applied before or earlier in this transaction. */
  seen: Set<string>;
  claims: Claim[];
}

/** A chunk's transaction, opened by the first effect that needs it (none may). */
interface SharedTransaction {
  events: readonly InboxEvent[];
  open?: Promise<OpenTransaction>;
}

interface TransactionState {
  state: unknown;
  flush: (() => Promise<void>) | undefined;
}

/** An event's effect; resolving to `'skipped'` records a skip, anything else counts as processed. */
export type InboxEffect = (manager: EntityManager) => Promise<unknown>;

/** The tenant every event of a chunk names, if they all name the same one. */
function commonTenant(events: readonly InboxEvent[]): string | undefined {
  const [first] = events;
  const orgId = first?.orgid;
  return orgId !== undefined && events.every((event) => event.orgid === orgId) ? orgId : undefined;
}

function claimsStatement(claims: readonly Claim[]): string {
  if (claims.length === 0) return '';
  const rows = claims.map(
    (claim) =>
      `(${uuidLiteral(claim.eventId)}, ${nameLiteral(claim.consumer)}, ${nameLiteral(claim.eventType)}, ${nameLiteral(claim.outcome)})`,
  );
  return `INSERT INTO inbox_message (event_id, consumer, event_type, outcome) VALUES ${rows.join(', ')}`;
}

/**
 * Applies an event's effect at most once per consumer: the event id is inserted into the inbox in
 * the same transaction as the effect, so a redelivered event (crash before the offset commit, a
 * rebalance, a replay) finds its id and changes nothing.
 *
 * A transaction costs two round trips besides the effects: BEGIN, the tenant binding and the look-up
 * of already applied ids travel together; the claims travel with COMMIT (as literal SQL, which is
 * why event ids must be UUIDs and consumer names plain). The claims are inserted without ON
 * CONFLICT: if another consumer instance applied one of these events meanwhile, the insert fails,
 * the transaction rolls back, and the delivery is retried, to find the event applied.
 *
 * The Kafka event server may wrap a chunk of deliveries in one shared transaction
 * (`inSharedTransaction`), opened only when a first effect needs it: a consumer that decides from
 * memory that an event changes nothing (and so needs no claim) costs no transaction at all. A
 * failing effect rolls the whole chunk back, and the server replays it one event per
 * transaction, so one bad event never takes good ones with it.
 */
export class InboxRunner {
  private readonly sharedTransaction = new AsyncLocalStorage<SharedTransaction>();
  private readonly transactionStates = new WeakMap<EntityManager, Map<string, TransactionState>>();

  constructor(private readonly dataSource: DataSource) {}

  async once(event: InboxEvent, consumer: string, effect: InboxEffect): Promise<HandlerOutcome> {
    const shared = this.sharedTransaction.getStore();
    if (shared) {
      shared.open ??= this.begin(shared.events);
      return this.apply(await shared.open, event, consumer, effect);
    }
    const open = await this.begin([event]);
    return this.settle(open, () => this.apply(open, event, consumer, effect));
  }

  /**
   * Runs `work` with every `once` inside it joining one transaction, opened by the first of them;
   * commits when `work` resolves, rolls back when it throws.
   */
  async inSharedTransaction<T>(events: readonly InboxEvent[], work: () => Promise<T>): Promise<T> {
    const shared: SharedTransaction = { events };
    let result: T;
    try {
      result = await this.sharedTransaction.run(shared, work);
    } catch (error) {
      const open = await shared.open?.catch(() => undefined);
      if (open) await this.rollBack(open);
      throw error;
    }
    if (!shared.open) return result;
    const open = await shared.open;
    return this.settle(open, () => Promise.resolve(result));
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

  private async begin(events: readonly InboxEvent[]): Promise<OpenTransaction> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const orgId = commonTenant(events);
      const ids = [...new Set(events.map((event) => uuidLiteral(event.id)))];
      const applied = await beginWith<{ key: string }>(
        runner,
        [
          ...(orgId ? [tenantBindingStatement(orgId)] : []),
          `SELECT event_id::text || '/' || consumer AS key FROM inbox_message
            WHERE event_id IN (${ids.join(', ')})`,
        ].join('; '),
      );
      if (orgId) rememberTenantBound(runner, orgId);
      return { runner, seen: new Set(applied.map((row) => row.key)), claims: [] };
    } catch (error) {
      await this.rollBack({ runner, seen: new Set(), claims: [] });
      throw error;
    }
  }

  /** `work`, then the deferred writes, the claims and COMMIT; ROLLBACK if anything throws. */
  private async settle<T>(open: OpenTransaction, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      await this.runBeforeCommit(open.runner.manager);
      await commitWith(open.runner, claimsStatement(open.claims));
      await open.runner.release();
      return result;
    } catch (error) {
      await this.rollBack(open);
      throw error;
    }
  }

  private async rollBack(open: OpenTransaction): Promise<void> {
    const { runner } = open;
    this.transactionStates.delete(runner.manager);
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (!runner.isReleased) await runner.release();
  }

  private async apply(
    open: OpenTransaction,
    event: InboxEvent,
    consumer: string,
    effect: InboxEffect,
  ): Promise<HandlerOutcome> {
    const key = `${event.id}/${consumer}`;
    if (open.seen.has(key)) return 'duplicate';
    open.seen.add(key);
    const outcome = (await effect(open.runner.manager)) === 'skipped' ? 'skipped' : 'processed';
    open.claims.push({ eventId: event.id, consumer, eventType: event.type, outcome });
    return outcome;
  }
}
