import type { Redis } from 'ioredis';
import type { HealthProbe } from './readiness-check';

export type PingableRedis = Pick<Redis, 'status' | 'ping'>;

/** ioredis states in which a command would sit in the offline queue instead of reaching Redis. */
const unreachableStates: ReadonlySet<string> = new Set([
  'connecting',
  'reconnecting',
  'close',
  'end',
]);

export class RedisHealthProbe implements HealthProbe {
  constructor(private readonly redis: PingableRedis) {}

  async probe(): Promise<void> {
    // Failing on the connection state answers at once and keeps probes from piling up PINGs in the
    // offline queue while Redis is away. `wait` (lazyConnect, never used) is left to PING, which connects.
    if (unreachableStates.has(this.redis.status)) {
      throw new Error(`connection is ${this.redis.status}`);
    }
    // Typed as 'PONG', but a proxy or a mock may answer otherwise.
    const reply: string = await this.redis.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  }
}
