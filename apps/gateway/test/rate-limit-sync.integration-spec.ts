import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRateLimitStore, SyncedRedisRateLimitStore } from '../src/plugins/rate-limit.store';

/**
 * `sync_rate` counters against real Redis: two gateways (two stores) counting one client's requests, syncing
 * by hand (their own timers are set far off).
 */
describe('SyncedRedisRateLimitStore (kong.yml sync_rate)', () => {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  let redis: Redis;
  let failedSyncs: unknown[];
  const counter = () => ({ key: `test:${randomUUID()}:minute`, ttlMs: 60_000 });
  const gatewayStore = () =>
    new SyncedRedisRateLimitStore(new RedisRateLimitStore(redis), 3_600_000, (error) =>
      failedSyncs.push(error),
    );
  const requests = async (store: SyncedRedisRateLimitStore, key: string, count: number) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push(...(await store.increment([{ key, ttlMs: 60_000 }])));
    return seen;
  };

  beforeAll(async () => {
    redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  beforeEach(() => (failedSyncs = []));
  afterAll(() => redis.disconnect());

  it("should count between syncs without Redis, then add every gateway's requests to one total", async () => {
    const { key } = counter();
    const [first, second] = [gatewayStore(), gatewayStore()];
    expect(await requests(first, key, 5)).toEqual([1, 2, 3, 4, 5]);
    // The second gateway's first request reads the shared total (and adds itself to it).
    expect(await requests(second, key, 3)).toEqual([2, 3, 4]);
    // Only the two first requests reached Redis so far.
    expect(await redis.get(key)).toBe('2');
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);

    await first.sync();
    await second.sync();
    expect(await redis.get(key)).toBe('8');
    // After syncing, each gateway counts on from the total of both.
    expect(await requests(second, key, 1)).toEqual([9]);
    await Promise.all([first.close(), second.close()]);
    expect(await redis.get(key)).toBe('9');
  });

  it('should forget a counter with nothing to send, so its next request sees the other gateways', async () => {
    const { key } = counter();
    const [quiet, busy] = [gatewayStore(), gatewayStore()];
    await requests(quiet, key, 1);
    await requests(busy, key, 10);
    await busy.sync();
    await quiet.sync();
    // quiet had nothing unsent: it asks Redis again rather than counting from its stale 1.
    expect(await requests(quiet, key, 1)).toEqual([12]);
    await Promise.all([quiet.close(), busy.close()]);
  });

  it('should keep the increments of a failed sync and send them with the next', async () => {
    const { key } = counter();
    const lonely = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => lonely.once('ready', resolve));
    const store = new SyncedRedisRateLimitStore(
      new RedisRateLimitStore(lonely),
      3_600_000,
      (error) => failedSyncs.push(error),
    );
    try {
      await requests(store, key, 4);
      const ended = new Promise((resolve) => lonely.once('end', resolve));
      lonely.disconnect();
      await ended;
      await store.sync();
      expect(failedSyncs).toHaveLength(1);
      expect(await redis.get(key)).toBe('1');
      // Counting goes on while Redis is out of reach.
      expect(await requests(store, key, 1)).toEqual([5]);

      await lonely.connect();
      await store.sync();
      expect(await redis.get(key)).toBe('5');
    } finally {
      await store.close();
      lonely.disconnect();
    }
  });
});
