import { createHash } from 'node:crypto';
import { REDIS } from '@careloop/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthSettings } from '../common/auth-settings';
import { LoginThrottledError } from '../sessions/sessions.errors';
import { retryAfterSeconds, waitAfterFailures } from './backoff-schedule';
import type { BackoffPolicy } from './backoff-schedule';

/**
 * Brute-force protection for logins, in Redis so every replica sees the same counts:
 * - per account (keyed by the normalised email, known or not, so an unknown email is throttled
 *   exactly like a real one and lockouts reveal nothing): free failures, then a doubling backoff,
 *   then a lockout;
 * - per source address: a failure budget across all accounts (password spraying), then a block.
 * Only failures count; a successful login clears the account's count.
 */
@Injectable()
export class LoginThrottleService {
  private readonly accountFailures: RateLimiterRedis;
  private readonly addressFailures: RateLimiterRedis;
  private readonly policy: BackoffPolicy;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    settings: AuthSettings,
  ) {
    this.policy = settings.throttle;
    this.accountFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${settings.redisKeyPrefix}:login-fail:account`,
      points: settings.throttle.lockoutFailures,
      duration: settings.throttle.lockoutSeconds,
    });
    this.addressFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${settings.redisKeyPrefix}:login-fail:ip`,
      points: settings.throttle.ipFailures,
      duration: settings.throttle.lockoutSeconds,
      blockDuration: settings.throttle.lockoutSeconds,
    });
  }

  /** Throws LoginThrottledError (429, Retry-After) while the account or address must wait. */
  async assertMayTry(email: string, sourceIp: string): Promise<void> {
    const account = accountKey(email);
    const [accountState, addressState, backoffMs] = await Promise.all([
      this.accountFailures.get(account),
      this.addressFailures.get(sourceIp),
      this.redis.pttl(backoffKey(account)),
    ]);
    if (addressState && addressState.consumedPoints >= this.addressFailures.points) {
      throw new LoginThrottledError(retryAfterSeconds(addressState.msBeforeNext));
    }
    if (accountState && accountState.consumedPoints >= this.policy.lockoutFailures) {
      throw new LoginThrottledError(retryAfterSeconds(accountState.msBeforeNext));
    }
    if (backoffMs > 0) throw new LoginThrottledError(retryAfterSeconds(backoffMs));
  }

  /** Counts a failed attempt and starts the backoff the new count calls for. */
  async recordFailure(email: string, sourceIp: string): Promise<void> {
    const account = accountKey(email);
    const [failures] = await Promise.all([
      this.consume(this.accountFailures, account),
      this.consume(this.addressFailures, sourceIp),
    ]);
    const state = waitAfterFailures(failures, this.policy);
    if (state.kind === 'backoff') {
      await this.redis.set(backoffKey(account), '1', 'PX', state.waitMs);
    } else if (state.kind === 'locked') {
      // The lockout runs its full length from the failure that caused it, not to the window's end.
      await this.accountFailures.block(account, state.waitMs / 1_000);
    }
  }

  async recordSuccess(email: string): Promise<void> {
    const account = accountKey(email);
    await Promise.all([this.accountFailures.delete(account), this.redis.del(backoffKey(account))]);
  }

  /** The count after this failure; a limiter past its points rejects with the same numbers. */
  private async consume(limiter: RateLimiterRedis, key: string): Promise<number> {
    try {
      return (await limiter.consume(key)).consumedPoints;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection.consumedPoints;
      throw rejection;
    }
  }
}

/** Emails are hashed in Redis keys: no personal data in a cache dump. */
function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

function backoffKey(account: string): string {
  return `auth:login-backoff:${account}`;
}
