import type { RatePeriod } from '../kong-config.types';

export interface FixedWindow {
  /** Start of the window, ms since the epoch; part of the counter key. */
  startMs: number;
  /** End of the window (exclusive), ms since the epoch. */
  endMs: number;
}

const fixedLengthMs: Partial<Record<RatePeriod, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Kong's fixed windows: aligned to the UTC clock and calendar (a month is a calendar month). */
export function fixedWindow(period: RatePeriod, nowMs: number): FixedWindow {
  const length = fixedLengthMs[period];
  if (length !== undefined) {
    const startMs = nowMs - (nowMs % length);
    return { startMs, endMs: startMs + length };
  }
  const now = new Date(nowMs);
  if (period === 'month') {
    return {
      startMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
      endMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
    };
  }
  return {
    startMs: Date.UTC(now.getUTCFullYear(), 0, 1),
    endMs: Date.UTC(now.getUTCFullYear() + 1, 0, 1),
  };
}
