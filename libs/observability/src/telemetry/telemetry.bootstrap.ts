import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { core, NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { IncomingMessage } from 'node:http';

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/** Stops the SDK, flushing spans still buffered for the exporter. Safe to call more than once. */
export type TelemetryShutdown = () => Promise<void>;

export interface TelemetryOptions {
  /**
   * Replaces the exporter chosen from the environment. Tests pass an in-memory processor here;
   * services leave it out.
   */
  spanProcessors?: SpanProcessor[];
  /** Defaults to `process.env`; tests pass their own. */
  environment?: NodeJS.ProcessEnv;
}

/**
 * Drops spans (none are recorded without a collector anyway). Without any span processor the SDK registers no tracer
 * provider at all, spans become non-recording and trace ids vanish from the logs; this keeps
 * spans (and so log correlation and `traceparent` propagation) alive when no collector is set.
 */
class RecordOnlySpanProcessor implements SpanProcessor {
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  onStart(): void {}
  onEnd(): void {}
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let running: { serviceName: string; shutdown: TelemetryShutdown } | undefined;

/**
 * Probes and scrapes arrive every few seconds from orchestrators and Prometheus; as traces they
 * are noise. They still count in the HTTP metrics.
 */
function isUntracedRequest(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?')[0] ?? '';
  return path === '/metrics' || path.startsWith('/health/');
}

function hasOtlpEndpoint(environment: NodeJS.ProcessEnv): boolean {
  return Boolean(
    environment['OTEL_EXPORTER_OTLP_ENDPOINT'] || environment['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  );
}

/**
 * Starts OpenTelemetry tracing for this process: HTTP (incoming and outgoing, undici too),
 * Postgres (pg), Redis (ioredis), Kafka (kafkajs) and NestJS handlers, with W3C trace-context and
 * baggage propagation.
 *
 * Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-specific
 * variable) is set; the exporter is then built by the SDK from the standard `OTEL_*` variables
 * (`http/protobuf` by default, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` for JSON), so headers,
 * timeouts and sampling stay configurable without code. Without an endpoint spans are still
 * recorded, so every log line carries a trace id.
 *
 * Instrumentations patch modules as they are required, so call it before the application module
 * is imported: in main.ts, call it and then `import('./bootstrap')`. pg, ioredis, kafkajs, fastify
 * and http are then covered. `@nestjs/core` is already loaded by this library's own imports, so
 * Nest handler spans need the preload entry (`telemetry.preload.ts`) instead. Metrics and logs do
 * not go through OpenTelemetry here (Prometheus scrapes prom-client, pino writes to stdout).
 *
 * Idempotent: a second call returns the first call's shutdown function.
 */
export function startTelemetry(
  serviceName: string,
  options: TelemetryOptions = {},
): TelemetryShutdown {
  if (running) {
    if (running.serviceName !== serviceName) {
      process.emitWarning(
        `startTelemetry('${serviceName}') ignored: telemetry already runs for '${running.serviceName}'`,
      );
    }
    return running.shutdown;
  }
  const environment = options.environment ?? process.env;

  const spanProcessors =
    options.spanProcessors ??
    // `undefined` lets the SDK build the OTLP exporter from the OTEL_* variables.
    (hasOtlpEndpoint(environment) ? undefined : [new RecordOnlySpanProcessor()]);

  // Without a collector nothing would ever read a recorded span, and recording them (attributes,
  // timings, one object per pg statement and Redis command) cost a tenth of a service's CPU under
  // load. Unsampled spans still carry trace and span ids, so log lines keep their trace_id and
  // `traceparent` still propagates. With a collector, OTEL_TRACES_SAMPLER decides (spec default:
  // parent-based, always on).
  const recordsNothing = !options.spanProcessors && !hasOtlpEndpoint(environment);

  const sdk = new NodeSDK({
    serviceName,
    ...(recordsNothing ? { sampler: new tracing.AlwaysOffSampler() } : {}),
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    ...(spanProcessors ? { spanProcessors } : {}),
    // Prometheus (prom-client) owns metrics and stdout owns logs; an empty list stops the SDK from
    // defaulting to OTLP exporters for them and retrying against a collector that is not there.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      getNodeAutoInstrumentations({
        // Every fs call and DNS lookup as a span is noise that costs more than it tells.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // The logger's own mixin adds trace_id/span_id; this one would write them a second time.
        '@opentelemetry/instrumentation-pino': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: isUntracedRequest,
        },
        // Postgres statements already show in pg spans; pool-connect spans add little.
        '@opentelemetry/instrumentation-pg': {
          enabled: !recordsNothing,
          enhancedDatabaseReporting: false,
        },
        // Without a collector these only make spans nobody records, around every statement, Redis
        // command and Nest handler. HTTP, undici and kafkajs stay: they carry `traceparent`
        // across services, which keeps one trace id in the logs of one request end to end.
        '@opentelemetry/instrumentation-ioredis': { enabled: !recordsNothing },
        '@opentelemetry/instrumentation-redis': { enabled: !recordsNothing },
        '@opentelemetry/instrumentation-nestjs-core': { enabled: !recordsNothing },
        '@opentelemetry/instrumentation-generic-pool': { enabled: !recordsNothing },
      }),
    ],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  const shutdown: TelemetryShutdown = () => {
    stopped ??= sdk.shutdown();
    return stopped;
  };
  running = { serviceName, shutdown };
  return shutdown;
}
