import { AsyncLocalStorage } from 'node:async_hooks';

interface CorrelationContext {
  correlationId: string;
}

/**
 * The correlation id of the request (or message) being handled, for every log line written on its
 * behalf. One AsyncLocalStorage read per log line is far cheaper than a child logger per request.
 */
const correlationStorage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `work` (and everything it starts) as part of the request or message `correlationId`. */
export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return correlationStorage.run({ correlationId }, work);
}

/** The correlation id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return correlationStorage.getStore()?.correlationId;
}
