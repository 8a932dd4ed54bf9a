import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Module } from '@nestjs/common';
import Redis from 'ioredis';

export const REDIS = Symbol('Redis');

/**
 * Provides the service's ioredis client (inject with `@Inject(REDIS)`). Commands fail fast while
 * Redis is down instead of queueing without bound, because Redis only ever holds caches, drafts
 * and counters that have a Postgres fallback.
 */
@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(url: string, connectionName: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(url, {
              connectionName,
              // Commands issued in the same tick leave in one write: under load, one syscall for many requests.
              enableAutoPipelining: true,
              maxRetriesPerRequest: 2,
              enableOfflineQueue: true,
              retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
            }),
        },
      ],
      exports: [REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
