import { REDIS } from '@careloop/persistence';
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

interface LocalEntry {
  value: unknown;
  expiresAt: number;
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
  private readonly local = new Map<string, LocalEntry>();
  /** Bumped when a key is invalidated, so a load that started before does not fill the map after. */
  private readonly epochs = new Map<string, number>();
  private subscriber: Redis | undefined;
  private readonly options: CacheOptions;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(CACHE_OPTIONS) options?: Partial<CacheOptions>,
  ) {
    this.options = { ...DEFAULT_CACHE_OPTIONS, ...options };
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.duplicate({ connectionName: 'survey-cache-invalidation' });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, key: string) => this.forgetLocally(key));
    // Messages sent while disconnected are lost: start over with an empty map.
    subscriber.on('ready', () => this.local.clear());
    subscriber.on('error', (error: Error) =>
      this.logger.warn({ msg: 'cache invalidation channel error', error: error.message }),
    );
    await subscriber.subscribe(CACHE_INVALIDATION_CHANNEL);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async getOrLoad<T>(
    key: string,
    load: () => Promise<Revisioned<T> | undefined>,
  ): Promise<T | undefined> {
    const now = Date.now();
    const entry = this.local.get(key);
    if (entry && entry.expiresAt > now) return entry.value as T;
    const epoch = this.epochs.get(key) ?? 0;

    const shared = await this.redisGet(key);
    if (shared !== undefined) {
      const value = JSON.parse(shared) as T;
      this.remember(key, value, epoch);
      return value;
    }
    const loaded = await load();
    if (loaded === undefined) return undefined;
    await this.redisSetIfNewer(key, loaded.revision, JSON.stringify(loaded.value));
    this.remember(key, loaded.value, epoch);
    return loaded.value;
  }

  /** After a write committed: no instance serves the old value any more. */
  async invalidate(key: string, revision: number): Promise<void> {
    this.forgetLocally(key);
    try {
      await this.redis.eval(SET_IF_NEWER, 1, key, revision, '', this.options.redisTtlSeconds);
      await this.redis.publish(CACHE_INVALIDATION_CHANNEL, key);
    } catch (error) {
      // The write has committed; a missed invalidation expires with the in-process TTL.
      this.logger.warn({ msg: 'cache invalidation failed', key, error: (error as Error).message });
    }
  }

  private forgetLocally(key: string): void {
    this.local.delete(key);
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
  }

  private remember(key: string, value: unknown, epoch: number): void {
    if ((this.epochs.get(key) ?? 0) !== epoch) return;
    if (this.local.size >= this.options.maxLocalEntries) {
      const oldest = this.local.keys().next();
      if (!oldest.done) this.local.delete(oldest.value);
    }
    this.local.set(key, { value, expiresAt: Date.now() + this.options.localTtlMs });
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
