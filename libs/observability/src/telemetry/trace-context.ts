import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceFields {
  trace_id: string;
  span_id: string;
}

/**
 * The ids of the span active in the current async context, or nothing when there is none (no
 * request in flight, or telemetry not started). Field names follow the OpenTelemetry log data
 * model so log backends link a line to its trace without mapping.
 */
export function activeTraceFields(): TraceFields | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
