export interface LocalCacheOptions {
  /** An entry lives this long at most: the safety net should an invalidation be missed. */
  ttlMs: number;
  /** When full, the oldest entry makes room for a new one. */
  maxEntries: number;
}

/** Taken before a load; `keep` stores the loaded value only if nothing was invalidated since. */
export type LoadTicket = number;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * The in-process level of a cache that is invalidated from elsewhere (see
 * `CacheInvalidationChannel`). A value loaded while any key was invalidated is handed to its caller
 * but not kept: the load may have read the data before the write that invalidated it committed.
 * Concurrent loads of one key share one load.
 */
export class LocalCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T>>();
  /** Bumped by every invalidation; a load that saw another value keeps nothing. */
  private invalidations = 0;

  constructor(
    private readonly options: LocalCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  ticket(): LoadTicket {
    return this.invalidations;
  }

  /** Stores a value loaded under `ticket`, unless something was invalidated meanwhile. */
  keep(key: string, value: T, ticket: LoadTicket): void {
    if (ticket !== this.invalidations) return;
    if (!this.entries.has(key) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
  }

  getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const ticket = this.ticket();
    const loaded = load()
      .then((value) => {
        this.keep(key, value, ticket);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
      });
    this.loading.set(key, loaded);
    return loaded;
  }

  /** Drops a key, and any load of it in flight is no longer shared with later callers. */
  forget(key: string): void {
    this.invalidations++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.invalidations++;
    this.entries.clear();
    this.loading.clear();
  }
}
