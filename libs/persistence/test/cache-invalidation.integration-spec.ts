import { Redis } from 'ioredis';
import { testInfrastructure, uniqueSuffix, waitFor } from '@careloop/testing';
import type { InvalidationListener } from '../src';
import { CacheInvalidationChannel } from '../src';

/** What one instance's in-process cache was told. */
class RecordingListener implements InvalidationListener {
  readonly forgotten: string[] = [];
  clears = 0;
  forget(key: string): void {
    this.forgotten.push(key);
  }
  clear(): void {
    this.clears++;
  }
}

describe('CacheInvalidationChannel (real Redis)', () => {
  const redis: Redis[] = [];
  const channels: CacheInvalidationChannel[] = [];

  function instance(name: string): {
    channel: CacheInvalidationChannel;
    listener: RecordingListener;
  } {
    const client = new Redis(testInfrastructure.redisUrl, { lazyConnect: false });
    redis.push(client);
    const channel = new CacheInvalidationChannel(client, name);
    channels.push(channel);
    return { channel, listener: new RecordingListener() };
  }

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((channel) => channel.close()));
    await Promise.all(redis.splice(0).map((client) => client.quit()));
  });

  it('tells every instance, the publisher included, which key changed', async () => {
    const name = `test:${uniqueSuffix()}:invalidated`;
    const a = instance(name);
    const b = instance(name);
    await a.channel.listen(a.listener);
    await b.channel.listen(b.listener);
    expect(a.channel.isListening).toBe(true);

    await a.channel.publish('org-1');
    await waitFor(
      () => Promise.resolve([a.listener.forgotten, b.listener.forgotten]),
      ([seenByA, seenByB]) => Boolean(seenByA?.includes('org-1') && seenByB?.includes('org-1')),
      { description: 'both instances told', timeoutMs: 5_000 },
    );
  });

  it('hears nothing from another channel, and clears its listener when it starts listening', async () => {
    const a = instance(`test:${uniqueSuffix()}:invalidated`);
    const other = instance(`test:${uniqueSuffix()}:invalidated`);
    await a.channel.listen(a.listener);
    await other.channel.listen(other.listener);
    expect(a.listener.clears).toBeGreaterThan(0);

    await other.channel.publish('org-2');
    await waitFor(
      () => Promise.resolve(other.listener.forgotten),
      (seen) => seen.includes('org-2'),
      { description: 'the other channel told', timeoutMs: 5_000 },
    );
    expect(a.listener.forgotten).toEqual([]);
  });

  it('clears its listener when the subscription drops, and hears again once reconnected', async () => {
    const name = `test:${uniqueSuffix()}:invalidated`;
    const a = instance(name);
    await a.channel.listen(a.listener);
    const clearsBefore = a.listener.clears;
    // The server drops the subscriber's connection (a Redis restart, a network cut): whatever is
    // published until ioredis reconnects never arrives, so nothing cached before may be served.
    const admin = redis[0]!;
    const clients = String(await admin.client('LIST'));
    const subscriberId = clients
      .split('\n')
      .find((line) => line.includes(`name=${name}:subscriber`))
      ?.match(/id=(\d+)/)?.[1];
    expect(subscriberId).toBeDefined();
    await admin.client('KILL', 'ID', subscriberId!);
    await waitFor(
      () => Promise.resolve(a.listener.clears),
      (clears) => clears > clearsBefore,
      { description: 'listener cleared after the drop', timeoutMs: 5_000 },
    );

    await waitFor(
      async () => {
        await a.channel.publish('org-3');
        return a.listener.forgotten;
      },
      (seen) => seen.includes('org-3'),
      { description: 'invalidations heard again after reconnecting', timeoutMs: 10_000 },
    );
    expect(a.channel.isListening).toBe(true);
  });
});
