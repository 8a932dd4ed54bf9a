import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { activeTraceFields } from '../telemetry/trace-context';
import { currentCorrelationId } from '@careloop/security';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Secrets that must never reach a log line even when someone logs a whole object. Request and
 * response bodies are not logged at all; these cover objects logged by hand.
 */
const redactedPaths = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.authorization',
  '*.cookie',
];

function correlationFields(): object {
  const correlationId = currentCorrelationId();
  const traceFields = activeTraceFields();
  return correlationId ? { correlation_id: correlationId, ...traceFields } : traceFields;
}

/**
 * The pino options every CareLoop process uses, for `createLogger` and the Nest request logger
 * alike, so a line looks the same whoever writes it:
 * `{"level":"info","time":"…","service":"…","trace_id":"…","span_id":"…","msg":"…"}`.
 */
export function loggerOptions(serviceName: string, level: LogLevel): LoggerOptions {
  return {
    level,
    // Only the service name: pid and hostname come from the platform's log shipper labels.
    base: { service: serviceName },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names instead of pino's numbers, so log queries read `level="error"`.
    formatters: { level: (label) => ({ level: label }) },
    // Evaluated per line: ties each line to the request and the span active when it was written.
    mixin: correlationFields,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
}

/**
 * The one logger: JSON lines on stdout (or `destination`, for tests). Use it outside Nest (scripts,
 * bootstrap failures) and let `ObservabilityModule` give Nest the same configuration.
 *
 * Stdout is written asynchronously: a synchronous write per line blocked the event loop on every
 * request (a pipe to the log shipper can be slow), and lines written while one write is in flight
 * leave in the next write together. pino flushes what is pending when the process exits.
 */
export function createLogger(
  serviceName: string,
  level: LogLevel = 'info',
  destination?: DestinationStream,
): Logger {
  const options = loggerOptions(serviceName, level);
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
