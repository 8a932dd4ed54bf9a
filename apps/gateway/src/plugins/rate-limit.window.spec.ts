import { fixedWindow } from './rate-limit.window';

describe(fixedWindow.name, () => {
  const at = Date.UTC(2026, 1, 14, 10, 42, 17, 250); // 14 Feb 2026 10:42:17.250 UTC

  it.each([
    ['second', Date.UTC(2026, 1, 14, 10, 42, 17), Date.UTC(2026, 1, 14, 10, 42, 18)],
    ['minute', Date.UTC(2026, 1, 14, 10, 42), Date.UTC(2026, 1, 14, 10, 43)],
    ['hour', Date.UTC(2026, 1, 14, 10), Date.UTC(2026, 1, 14, 11)],
    ['day', Date.UTC(2026, 1, 14), Date.UTC(2026, 1, 15)],
    ['month', Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1)],
    ['year', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)],
  ] as const)('should align the %s window to the UTC clock', (period, startMs, endMs) => {
    expect(fixedWindow(period, at)).toEqual({ startMs, endMs });
  });
});
