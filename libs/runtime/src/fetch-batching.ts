import type { ServiceEnvironment } from '@careloop/config';
import type { FetchBatching } from '@careloop/messaging';

/**
 * The fetch batching a service runs with: its definition's, unless the deployment sets
 * KAFKA_FETCH_MIN_BYTES or KAFKA_FETCH_MAX_WAIT_MS (a value not set keeps the definition's, else
 * Kafka's default: 1 byte, 5 s).
 */
export function resolveFetchBatching(
  declared: FetchBatching | undefined,
  environment: Pick<ServiceEnvironment, 'KAFKA_FETCH_MIN_BYTES' | 'KAFKA_FETCH_MAX_WAIT_MS'>,
): FetchBatching | undefined {
  const { KAFKA_FETCH_MIN_BYTES: minBytes, KAFKA_FETCH_MAX_WAIT_MS: maxWaitMs } = environment;
  if (minBytes === undefined && maxWaitMs === undefined) return declared;
  return {
    minBytes: minBytes ?? declared?.minBytes ?? 1,
    maxWaitMs: maxWaitMs ?? declared?.maxWaitMs ?? 5_000,
  };
}
