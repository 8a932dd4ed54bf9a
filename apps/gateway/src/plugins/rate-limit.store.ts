import type { Redis } from 'ioredis';

/** One counter to bump: the fixed window's key and how long the key must outlive the window. */
export interface WindowCounter {
  key: string;
  ttlMs: number;
}

/** Increments each counter by one and returns the new counts, in order. */
export interface RateLimitStore {
  increment(counters: readonly WindowCounter[]): Promise<number[]>;
}

/**
 * INCRBY and PEXPIRE in one Lua script: every counter of a call in one round trip, and a key never lives on
 * without an expiry even if the gateway dies between the two commands. A key is only ever created by an
 * increment, so a total equal to its increment means the key is new.
 */
const incrementScript = `
local counts = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[2 * i - 1])
  local count = redis.call('INCRBY', key, by)
  if count == by then redis.call('PEXPIRE', key, ARGV[2 * i]) end
  counts[i] = count
end
return counts`;

type WithIncrementCommand = Redis & {
  incrementRateLimitWindows(count: number, ...keysThenArguments: string[]): Promise<number[]>;
};

/** A counter to add to, and by how much. */
export interface CounterIncrement extends WindowCounter {
  by: number;
}

/** kong.yml `policy: redis`: counters shared by every gateway instance, one round trip per request. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithIncrementCommand;

  constructor(redis: Redis) {
    // A defined command is sent as EVALSHA (the script travels once, not with every request).
    if (!('incrementRateLimitWindows' in redis))
      redis.defineCommand('incrementRateLimitWindows', { lua: incrementScript });
    this.redis = redis as WithIncrementCommand;
  }

  increment(counters: readonly WindowCounter[]): Promise<number[]> {
    return this.add(counters.map((counter) => ({ ...counter, by: 1 })));
  }

  /** Adds to each counter and returns the totals, in order. */
  async add(increments: readonly CounterIncrement[]): Promise<number[]> {
    const counts = await this.redis.incrementRateLimitWindows(
      increments.length,
      ...increments.map((increment) => increment.key),
      ...increments.flatMap((increment) => [String(increment.by), String(increment.ttlMs)]),
    );
    return counts.map(Number);
  }
}

/** A counter as this gateway knows it between syncs. */
interface SyncedCounter {
  /** The total Redis last gave (every gateway's requests, up to then). */
  synced: number;
  /** Requests counted here since, not yet in Redis. */
  unsynced: number;
  expiresAt: number;
}

/**
 * kong.yml `policy: redis` with `sync_rate` > 0, as Kong does it: a counter is read from Redis (and
 * incremented there) the first time this gateway sees it in a sync period, then counted in memory; every
 * `sync_rate` seconds the increments go to Redis in one round trip, which answers with the totals of every
 * gateway. In between a request costs no Redis round trip. The price is Kong's: a gateway sees the others'
 * requests up to one period late, so n gateways can let about (n - 1) x sync_rate x rate more through.
 */
export class SyncedRedisRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, SyncedCounter>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisRateLimitStore,
    syncRateMs: number,
    private readonly onSyncFailed: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.sync(), syncRateMs).unref();
  }

  async increment(counters: readonly WindowCounter[]): Promise<number[]> {
    const now = this.now();
    const unseen = counters.filter((counter) => {
      const known = this.counters.get(counter.key);
      return !known || known.expiresAt <= now;
    });
    const firstTotals =
      unseen.length > 0
        ? await this.redis.add(unseen.map((counter) => ({ ...counter, by: 1 })))
        : [];
    const counted = new Set<string>();
    unseen.forEach((counter, index) => {
      const total = firstTotals[index] ?? 0;
      const known = this.counters.get(counter.key);
      // Two first requests may race to Redis: the later total includes the earlier one.
      if (known && known.expiresAt > now) known.synced = Math.max(known.synced, total);
      else
        this.counters.set(counter.key, {
          synced: total,
          unsynced: 0,
          expiresAt: now + counter.ttlMs,
        });
      counted.add(counter.key);
    });
    return counters.map((counter) => {
      const known = this.counters.get(counter.key)!;
      if (!counted.has(counter.key)) known.unsynced += 1;
      return known.synced + known.unsynced;
    });
  }

  /**
   * Sends the increments counted since the last sync and takes back the totals. A counter with nothing to send
   * is forgotten, so its next request reads Redis and sees the other gateways. A failed sync keeps its
   * increments for the next one.
   */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const now = this.now();
      const pending: { key: string; counter: SyncedCounter; by: number }[] = [];
      for (const [key, counter] of this.counters) {
        if (counter.expiresAt <= now || counter.unsynced === 0) this.counters.delete(key);
        else pending.push({ key, counter, by: counter.unsynced });
      }
      if (pending.length === 0) return;
      try {
        const totals = await this.redis.add(
          pending.map(({ key, counter, by }) => ({ key, by, ttlMs: counter.expiresAt - now })),
        );
        pending.forEach(({ counter, by }, index) => {
          counter.synced = totals[index] ?? counter.synced;
          counter.unsynced -= by;
        });
      } catch (error) {
        this.onSyncFailed(error);
      }
    });
    return this.syncing;
  }

  /** Stops syncing after sending what is still unsent. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }
}

/** kong.yml `policy: local`: counters in this process only. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
  }

  increment(counters: readonly WindowCounter[]): Promise<number[]> {
    const now = this.now();
    return Promise.resolve(
      counters.map(({ key, ttlMs }) => {
        const entry = this.counts.get(key);
        if (!entry || entry.expiresAt <= now) {
          this.counts.set(key, { count: 1, expiresAt: now + ttlMs });
          return 1;
        }
        entry.count += 1;
        return entry.count;
      }),
    );
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.counts) if (entry.expiresAt <= now) this.counts.delete(key);
  }
}
