import { retryAfterSeconds, waitAfterFailures } from './backoff-schedule';

const policy = { freeFailures: 4, lockoutFailures: 10, backoffBaseMs: 1_000, lockoutSeconds: 900 };

describe(waitAfterFailures.name, () => {
  it.each([
    [0, { kind: 'open' }],
    [4, { kind: 'open' }],
    [5, { kind: 'backoff', waitMs: 1_000 }],
    [6, { kind: 'backoff', waitMs: 2_000 }],
    [7, { kind: 'backoff', waitMs: 4_000 }],
    [9, { kind: 'backoff', waitMs: 16_000 }],
    [10, { kind: 'locked', waitMs: 900_000 }],
    [25, { kind: 'locked', waitMs: 900_000 }],
  ])('should answer %i failures with %j', (failures, expected) => {
    expect(waitAfterFailures(failures, policy)).toEqual(expected);
  });

  it('should never back off longer than the lockout', () => {
    const steep = { ...policy, lockoutFailures: 40, backoffBaseMs: 60_000 };
    expect(waitAfterFailures(30, steep)).toEqual({ kind: 'backoff', waitMs: 900_000 });
  });
});

describe(retryAfterSeconds.name, () => {
  it.each([
    [1, 1],
    [999, 1],
    [1_000, 1],
    [1_001, 2],
    [900_000, 900],
  ])('should round %i ms up to %i s', (waitMs, seconds) => {
    expect(retryAfterSeconds(waitMs)).toBe(seconds);
  });
});
