import { inspect } from 'node:util';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown when the wait times out, with the last value seen. */
  description?: string;
}

/**
 * Polls `probe` until `accept` holds and returns that value; fails with the last value seen.
 * Tests await a condition instead of sleeping a guessed time.
 */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  throw new Error(
    `Timed out waiting for ${options.description ?? 'condition'}; last value: ${JSON.stringify(last)}` +
      (lastError
        ? `; last error: ${lastError instanceof Error ? lastError.toString() : inspect(lastError)}`
        : ''),
  );
}
