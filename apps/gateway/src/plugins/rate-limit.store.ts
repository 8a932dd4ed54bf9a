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
 * INCR and PEXPIRE in one Lua script: all periods of a request in one round trip, and a key never lives on
 * without an expiry even if the gateway dies between the two commands.
 */
const incrementScript = `
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts`;

type WithIncrementCommand = Redis & {
  incrementRateLimitWindows(count: number, ...keysThenTtls: string[]): Promise<number[]>;
};

/** kong.yml `policy: redis`: counters shared by every gateway instance. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithIncrementCommand;

  constructor(redis: Redis) {
    // A defined command is sent as EVALSHA (the script travels once, not with every request).
    if (!('incrementRateLimitWindows' in redis))
      redis.defineCommand('incrementRateLimitWindows', { lua: incrementScript });
    this.redis = redis as WithIncrementCommand;
  }

  async increment(counters: readonly WindowCounter[]): Promise<number[]> {
    const counts = await this.redis.incrementRateLimitWindows(
      counters.length,
      ...counters.map((c) => c.key),
      ...counters.map((c) => String(c.ttlMs)),
    );
    return counts.map(Number);
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
