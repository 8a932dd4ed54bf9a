import type { Context } from '@opentelemetry/api';
import { context, propagation } from '@opentelemetry/api';

export type MessageHeaders = Record<string, string>;

/** W3C trace context of the active span, to store beside an outbox row and send as Kafka headers. */
export function captureTraceHeaders(): MessageHeaders {
  const carrier: MessageHeaders = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Restores the producer's trace context from Kafka headers so the consumer's spans join its trace. */
export function contextFromHeaders(
  headers: Record<string, Buffer | string | undefined | (Buffer | string)[]>,
): Context {
  const carrier: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) carrier[name] = first.toString();
  }
  return propagation.extract(context.active(), carrier);
}
