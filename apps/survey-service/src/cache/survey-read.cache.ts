import type { LoadTicket } from '@careloop/persistence';
import { CacheInvalidationChannel, LocalCache, REDIS } from '@careloop/persistence';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type Redis from 'ioredis';

export const CACHE_INVALIDATION_CHANNEL = 'survey-service:cache-invalidation';
export const CACHE_OPTIONS = Symbol('SurveyReadCacheOptions');

export interface CacheOptions {
  /** In-process entries live this long at most: the safety net should an invalidation be missed. */
  localTtlMs: number;
  redisTtlSeconds: number;
  maxLocalEntries: number;
}

export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
  localTtlMs: 60_000,
  redisTtlSeconds: 3_600,
  maxLocalEntries: 10_000,
};

export interface Revisioned<T> {
  value: T;
  /** Grows with every write of the cached thing; Redis keeps the value of the highest one. */
  revision: number;
}

/**
 * Stored as `<revision>:<json>`; a writer leaves `<revision>:` (a tombstone). The value is written
 * only if no newer revision is there, so a reader that loaded from Postgres before a write
 * committed cannot put its stale copy back after the writer's invalidation.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local stored = tonumber(string.match(current, '^(%d+):'))
  if stored and stored > tonumber(ARGV[1]) then return 0 end
  if stored and stored == tonumber(ARGV[1]) and ARGV[2] == '' then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Two-level read cache: a bounded in-process map in front of Redis. A write invalidates
 * everywhere: it leaves a tombstone in Redis and publishes the key on a pub/sub channel every
 * instance listens to, which drops its in-process copy. Redis being down only costs speed.
 */
@Injectable()
export class SurveyReadCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SurveyReadCache.name);
  private readonly local: LocalCache<unknown>;
  private readonly channel: CacheInvalidationChannel;
  private readonly options: CacheOptions;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(CACHE_OPTIONS) options?: Partial<CacheOptions>,
  ) {
    this.options = { ...DEFAULT_CACHE_OPTIONS, ...options };
    this.local = new LocalCache({
      ttlMs: this.options.localTtlMs,
      maxEntries: this.options.maxLocalEntries,
    });
    this.channel = new CacheInvalidationChannel(redis, CACHE_INVALIDATION_CHANNEL);
  }

  onModuleInit(): Promise<void> {
    return this.channel.listen(this.local);
  }

  onModuleDestroy(): Promise<void> {
    return this.channel.close();
  }

  async getOrLoad<T>(
    key: string,
    load: () => Promise<Revisioned<T> | undefined>,
  ): Promise<T | undefined> {
    const cached = this.local.get(key);
    if (cached !== undefined) return cached as T;
    const ticket = this.local.ticket();

    const shared = await this.redisGet(key);
    if (shared !== undefined) {
      const value = JSON.parse(shared) as T;
      this.remember(key, value, ticket);
      return value;
    }
    const loaded = await load();
    if (loaded === undefined) return undefined;
    await this.redisSetIfNewer(key, loaded.revision, JSON.stringify(loaded.value));
    this.remember(key, loaded.value, ticket);
    return loaded.value;
  }

  /** After a write committed: no instance serves the old value any more. */
  async invalidate(key: string, revision: number): Promise<void> {
    this.local.forget(key);
    try {
      await this.redis.eval(SET_IF_NEWER, 1, key, revision, '', this.options.redisTtlSeconds);
    } catch (error) {
      // The write has committed; a missed invalidation expires with the in-process TTL.
      this.logger.warn({ msg: 'cache invalidation failed', key, error: (error as Error).message });
      return;
    }
    await this.channel.publish(key);
  }

  /** Kept in process only while invalidations can reach this instance. */
  private remember(key: string, value: unknown, ticket: LoadTicket): void {
    if (this.channel.isListening) this.local.keep(key, value, ticket);
  }

  private async redisGet(key: string): Promise<string | undefined> {
    try {
      const stored = await this.redis.get(key);
      if (stored === null) return undefined;
      const separator = stored.indexOf(':');
      const json = stored.slice(separator + 1);
      return json === '' ? undefined : json;
    } catch {
      return undefined;
    }
  }

  private async redisSetIfNewer(key: string, revision: number, json: string): Promise<void> {
    try {
      await this.redis.eval(SET_IF_NEWER, 1, key, revision, json, this.options.redisTtlSeconds);
    } catch {
      // Redis down: serve from Postgres and the in-process map.
    }
  }
}
