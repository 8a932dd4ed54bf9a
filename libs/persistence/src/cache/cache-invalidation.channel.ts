import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

export interface InvalidationListener {
  /** Another instance (or this one) changed the data under `key`. */
  forget(key: string): void;
  /** Invalidations may have been missed (the channel was down): drop everything. */
  clear(): void;
}

/**
 * Tells every instance of a service that cached data changed, over Redis pub/sub, so each drops
 * its in-process copy. Messages published while an instance is disconnected never reach it, so
 * the listener is cleared whenever the subscription is lost or comes back, and `isListening` says
 * whether an in-process copy may be trusted at all right now.
 */
export class CacheInvalidationChannel {
  private readonly logger = new Logger(CacheInvalidationChannel.name);
  private subscriber: Redis | undefined;
  private subscribed = false;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
  ) {}

  get isListening(): boolean {
    return this.subscribed && this.subscriber?.status === 'ready';
  }

  /** Subscribes; resolves once listening, or when Redis is away (caching then waits for it). */
  async listen(listener: InvalidationListener): Promise<void> {
    const subscriber = this.redis.duplicate({
      connectionName: `${this.channel}:subscriber`,
      enableAutoPipelining: false,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.channel) listener.forget(key);
    });
    subscriber.on('close', () => listener.clear());
    // ioredis subscribes again after a reconnection; what was published in between is lost. A
    // subscription that never succeeded (Redis away at start) is made now.
    subscriber.on('ready', () => {
      listener.clear();
      if (!this.subscribed) void this.subscribe(subscriber, listener);
    });
    subscriber.on('error', (error: Error) =>
      this.logger.warn({
        msg: 'cache invalidation channel error',
        channel: this.channel,
        error: error.message,
      }),
    );
    await this.subscribe(subscriber, listener);
  }

  private async subscribe(subscriber: Redis, listener: InvalidationListener): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
      this.subscribed = true;
      listener.clear();
    } catch (error) {
      this.logger.warn({
        msg: 'cache invalidation channel not subscribed yet; in-process caching waits for it',
        channel: this.channel,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** After a write committed: every instance, this one included, forgets `key`. */
  async publish(key: string): Promise<void> {
    try {
      await this.redis.publish(this.channel, key);
    } catch (error) {
      // The write has committed; instances that miss this serve the old copy until it expires.
      this.logger.warn({
        msg: 'cache invalidation not published',
        channel: this.channel,
        key,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = false;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
