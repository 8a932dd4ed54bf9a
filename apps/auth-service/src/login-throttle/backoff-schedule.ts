export interface BackoffPolicy {
  /** Failures that cost nothing (typos happen). */
  freeFailures: number;
  /** Failures (within the window) that lock the account. */
  lockoutFailures: number;
  /** Wait after the first failure past the free ones; doubles with each further failure. */
  backoffBaseMs: number;
  lockoutSeconds: number;
}

export type ThrottleState =
  { kind: 'open' } | { kind: 'backoff'; waitMs: number } | { kind: 'locked'; waitMs: number };

/**
 * How long an account must wait after its `failures`-th consecutive failed login: nothing while
 * failures are free, then base, 2·base, 4·base… and at `lockoutFailures` the lockout.
 */
export function waitAfterFailures(failures: number, policy: BackoffPolicy): ThrottleState {
  if (failures >= policy.lockoutFailures)
    return { kind: 'locked', waitMs: policy.lockoutSeconds * 1_000 };
  if (failures <= policy.freeFailures) return { kind: 'open' };
  const exponent = failures - policy.freeFailures - 1;
  const waitMs = Math.min(policy.backoffBaseMs * 2 ** exponent, policy.lockoutSeconds * 1_000);
  return { kind: 'backoff', waitMs };
}

/** Retry-After is whole seconds, rounded up so a client that obeys it is never early. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1_000));
}
