import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { getOrCreateCounter, getOrCreateHistogram } from './metric.registry';

type HttpLabel = 'method' | 'route' | 'status_code';

export interface HttpServerMetrics {
  /** Latency and, through its `_count`, traffic; name and buckets follow OpenTelemetry's HTTP semconv. */
  requestDuration: Histogram<HttpLabel>;
  requests: Counter<HttpLabel>;
  /** Responses with a 5xx status: failures the service owns (4xx are the caller's). */
  errors: Counter<HttpLabel>;
}

/** Label for requests no route matched: raw URLs as labels would let any caller mint new series. */
export const UNMATCHED_ROUTE = 'unmatched';

export function httpServerMetrics(): HttpServerMetrics {
  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    requestDuration: getOrCreateHistogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests handled by this service',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    }),
    requests: getOrCreateCounter({
      name: 'http_server_requests_total',
      help: 'HTTP requests handled by this service',
      labelNames,
    }),
    errors: getOrCreateCounter({
      name: 'http_server_errors_total',
      help: 'HTTP requests answered with a 5xx status',
      labelNames,
    }),
  };
}

export interface HttpRequestObservation {
  method: string;
  /** The route template (`/api/surveys/:id`), never the URL. */
  route: string | undefined;
  statusCode: number;
  durationSeconds: number;
}

export function recordHttpRequest(
  metrics: HttpServerMetrics,
  observation: HttpRequestObservation,
): void {
  const labels = {
    method: observation.method,
    route: observation.route ?? UNMATCHED_ROUTE,
    status_code: observation.statusCode,
  };
  metrics.requestDuration.observe(labels, observation.durationSeconds);
  metrics.requests.inc(labels);
  if (observation.statusCode >= 500) metrics.errors.inc(labels);
}

export interface HttpMetricsHookOptions {
  /** Route templates not measured; by default the scrape route, so scraping does not measure itself. */
  ignoredRoutes?: readonly string[];
}

/**
 * Measures every response at the Fastify level rather than in a Nest interceptor, because
 * interceptors never see requests rejected by guards (401/403), unknown routes (404) or body
 * parsing (400), and those belong in the error and traffic signals too.
 */
export function installHttpMetricsHooks(
  fastify: FastifyInstance,
  metrics: HttpServerMetrics,
  options: HttpMetricsHookOptions = {},
): void {
  const ignored = new Set(options.ignoredRoutes ?? ['/metrics']);

  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
    // The HTTP server span only knows the raw URL; naming it after the route template groups
    // traces by endpoint as OpenTelemetry's semantic conventions ask.
    const route = request.routeOptions.url;
    const span = trace.getActiveSpan();
    if (route !== undefined && span) {
      span.setAttribute('http.route', route);
      span.updateName(`${request.method} ${route}`);
    }
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !ignored.has(route)) {
      recordHttpRequest(metrics, {
        method: request.method,
        route,
        statusCode: reply.statusCode,
        durationSeconds: reply.elapsedTime / 1000,
      });
    }
    done();
  });
}
