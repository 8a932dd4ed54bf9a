import { LocalCache } from './local-cache';

/** A load the test finishes when it wants, counting how often it was started. */
function controlledLoad<T>() {
  const started: ((value: T) => void)[] = [];
  const load = () => new Promise<T>((resolve) => started.push(resolve));
  return { started, load };
}

describe('LocalCache', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000;
  });

  it('serves a loaded value until its time to live has passed, then loads it again', async () => {
    const cache = new LocalCache<string>({ ttlMs: 100, maxEntries: 10 }, now);
    let loads = 0;
    const load = () => Promise.resolve(`v${++loads}`);
    expect(await cache.getOrLoad('org', load)).toBe('v1');
    clock += 99;
    expect(await cache.getOrLoad('org', load)).toBe('v1');
    clock += 1;
    expect(await cache.getOrLoad('org', load)).toBe('v2');
  });

  it('shares one load among concurrent readers of a key', async () => {
    const cache = new LocalCache<string>({ ttlMs: 100, maxEntries: 10 }, now);
    const { started, load } = controlledLoad<string>();
    const first = cache.getOrLoad('org', load);
    const second = cache.getOrLoad('org', load);
    expect(started).toHaveLength(1);
    started[0]!('rules');
    expect(await Promise.all([first, second])).toEqual(['rules', 'rules']);
    expect(cache.get('org')).toBe('rules');
  });

  it('hands a load that raced an invalidation to its caller but does not keep it', async () => {
    const cache = new LocalCache<string>({ ttlMs: 100, maxEntries: 10 }, now);
    const { started, load } = controlledLoad<string>();
    const stale = cache.getOrLoad('org', load);
    // A write committed and invalidated while the load was reading: later readers load afresh.
    cache.forget('org');
    const fresh = cache.getOrLoad('org', load);
    expect(started).toHaveLength(2);
    started[0]!('old rules');
    started[1]!('new rules');
    expect(await stale).toBe('old rules');
    expect(await fresh).toBe('new rules');
    expect(cache.get('org')).toBe('new rules');
  });

  it('keeps nothing loaded before a clear, and forgets every key on clear', async () => {
    const cache = new LocalCache<string>({ ttlMs: 100, maxEntries: 10 }, now);
    await cache.getOrLoad('a', () => Promise.resolve('a1'));
    const ticket = cache.ticket();
    cache.clear();
    cache.keep('b', 'b1', ticket);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
    cache.keep('b', 'b2', cache.ticket());
    expect(cache.get('b')).toBe('b2');
  });

  it('makes room by dropping the entry written longest ago', () => {
    const cache = new LocalCache<number>({ ttlMs: 100, maxEntries: 2 }, now);
    cache.keep('a', 1, cache.ticket());
    cache.keep('b', 2, cache.ticket());
    cache.keep('a', 3, cache.ticket());
    cache.keep('c', 4, cache.ticket());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
    expect(cache.size).toBe(2);
  });
});
