import { isBrokerUnavailable } from './kafka-errors';

/**
 * An error that says a dependency is down (Postgres, Kafka), not that the message is bad. Such a
 * failure is retried without limit: sending good events to the DLQ during an outage would lose them
 * from the normal flow.
 */
export function isInfrastructureUnavailable(error: unknown): boolean {
  if (isBrokerUnavailable(error)) return true;
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } })?.code ??
    (error as { driverError?: { code?: unknown } })?.driverError?.code;
  if (typeof code === 'string') {
    // 08xxx connection exceptions, 57P0x operator intervention/shutdown, 53300 too many connections.
    if (code.startsWith('08') || code.startsWith('57P0') || code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
    message,
  );
}
