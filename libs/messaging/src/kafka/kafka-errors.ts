import { KafkaJSError } from 'kafkajs';

const unavailableNames = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
]);

/**
 * True when the error means "Kafka is not reachable right now" rather than "Kafka refused this
 * message": an outage must never count against a message's attempts or park it.
 */
export function isBrokerUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Error && unavailableNames.has(current.name)) {
      if (
        current.name !== 'KafkaJSNonRetriableError' &&
        current.name !== 'KafkaJSNumberOfRetriesExceeded'
      )
        return true;
    }
    if (current instanceof KafkaJSError && current.retriable) return true;
    if (
      current instanceof Error &&
      /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection error|Closed connection/i.test(
        current.message,
      )
    ) {
      return true;
    }
    current =
      (current as { cause?: unknown; originalError?: unknown }).cause ??
      (current as { originalError?: unknown }).originalError;
  }
  return false;
}
