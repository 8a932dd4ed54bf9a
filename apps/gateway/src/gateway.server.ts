import httpProxy from '@fastify/http-proxy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify, { LogController } from 'fastify';
import { Redis } from 'ioredis';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { stdSerializers, stdTimeFunctions } from 'pino';
import { kongPathOf, kongRouteOf } from './gateway-route.context';
import { GatewayMetrics } from './gateway.metrics';
import { sendProblem } from './gateway.problem';
import type { KongConfig, KongRoute } from './kong-config.types';
import { correlationIdGenerator, registerCorrelationId } from './plugins/correlation-id.plugin';
import { registerCors } from './plugins/cors.plugin';
import { assertJwtCredentialsKnown, registerJwt } from './plugins/jwt.plugin';
import {
  MemoryRateLimitStore,
  RedisRateLimitStore,
  SyncedRedisRateLimitStore,
} from './plugins/rate-limit.store';
import { registerRateLimiting } from './plugins/rate-limiting.plugin';
import { registerRequestSizeLimiting } from './plugins/request-size-limiting.plugin';
import { parseHostOverride, resolveUpstreamOrigin } from './upstream-host-override';

/*
 * Why plain Fastify and not Nest: the gateway has no domain, no controllers and no DI graph — it is a table of
 * kong.yml routes in front of @fastify/http-proxy plus a handful of request hooks. Nest would add a module
 * system, decorators and a second router around a proxy whose hot path should stay as short as Kong's.
 */

export interface GatewayOptions {
  kong: KongConfig;
  redisUrl: string;
  /** GATEWAY_UPSTREAM_HOST_OVERRIDE, e.g. `*=127.0.0.1`. */
  upstreamHostOverride?: string;
  /** GATEWAY_JWKS_URL; unset leaves token verification to the services. */
  jwksUrl?: string;
  logLevel?: string;
  /** Prefix of the rate-limit counter keys in Redis; default `careloop:gateway:ratelimit`. */
  rateLimitKeyPrefix?: string;
}

const proxiedMethods = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];
/** Connection failures Kong retries (the request never reached the service). */
const retryableConnectionErrors = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const timeoutErrors = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Builds the local edge from a parsed kong.yml: one @fastify/http-proxy per route path, and Kong's plugins as
 * request hooks in Kong's priority order (correlation-id, cors, jwt, request-size-limiting, rate-limiting).
 * The caller listens (or injects, in tests) and closes it.
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const { kong } = options;
  const jwtOptions = { jwksUrl: options.jwksUrl, credentials: kong.jwtCredentials };
  assertJwtCredentialsKnown(jwtOptions);
  const hostRules = parseHostOverride(options.upstreamHostOverride);
  const correlation = kong.globalPlugins.correlationId?.config;
  const metrics = new GatewayMetrics();

  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      base: { service: 'gateway' },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      // Never the URL: respondent paths carry their token, and query strings can carry patient identifiers.
      serializers: {
        req: (request: { method?: string }) => ({ method: request.method }),
        err: stdSerializers.err,
      },
    },
    genReqId: correlationIdGenerator(correlation),
    // Fastify's own request lines are off: registerObservability writes one line per request, without URLs.
    logController: new LogController({
      requestIdLogLabel: 'correlationId',
      disableRequestLogging: true,
    }),
    return503OnClosing: true,
  });

  for (const warning of kong.warnings) app.log.warn({ kongConfig: kong.sourcePath }, warning);
  const protectedRoutes = kong.routes.filter((route) => route.plugins.jwt).length;
  if (!options.jwksUrl && protectedRoutes > 0) {
    app.log.warn(
      { protectedRoutes },
      'GATEWAY_JWKS_URL is unset: tokens on jwt routes pass the edge unverified; each service verifies them itself',
    );
  }

  const redis = new Redis(options.redisUrl, {
    // Fail fast rather than queue: a rate-limit check must never hold a request while Redis is away.
    enableOfflineQueue: false,
    // The counters of requests arriving in the same tick go to Redis in one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    // kong.yml's `redis.timeout` (the longest, if routes differ; Kong's default 2000 ms without one).
    commandTimeout:
      Math.max(
        0,
        ...kong.routes.map((route) => route.plugins.rateLimiting?.config.redisTimeoutMs ?? 0),
      ) || 2000,
    connectTimeout: 2000,
    // ioredis arms this timer even for a socket that never connected; keep shutdown short when Redis is away.
    disconnectTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let redisHealthy = true;
  redis.on('error', (error: Error) => {
    if (redisHealthy)
      app.log.warn({ err: error }, 'redis unavailable; rate limits fail open (fault_tolerant)');
    redisHealthy = false;
  });
  redis.on('ready', () => {
    if (!redisHealthy) app.log.info('redis available again');
    redisHealthy = true;
  });
  const memoryStore = new MemoryRateLimitStore();
  const redisStore = new RedisRateLimitStore(redis);
  const syncedStores = new Map<number, SyncedRedisRateLimitStore>();
  const redisSyncedEvery = (syncRateMs: number) => {
    let store = syncedStores.get(syncRateMs);
    if (!store) {
      store = new SyncedRedisRateLimitStore(redisStore, syncRateMs, (error) =>
        app.log.warn(
          { err: error },
          'rate-limit counters not synced to redis; retried next period',
        ),
      );
      syncedStores.set(syncRateMs, store);
    }
    return store;
  };
  app.addHook('onClose', async () => {
    memoryStore.close();
    await Promise.all([...syncedStores.values()].map((store) => store.close()));
    redis.disconnect();
  });

  registerCorrelationId(app, correlation);
  await registerCors(app, kong.globalPlugins);
  registerJwt(app, jwtOptions);
  registerRequestSizeLimiting(app);
  registerRateLimiting(app, {
    stores: { redis: redisStore, local: memoryStore },
    redisSyncedEvery,
    keyPrefix: options.rateLimitKeyPrefix,
  });
  registerObservability(app, metrics);

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, 'No route matched with those values'),
  );
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(
      request,
      reply,
      status,
      status >= 500 ? 'An unexpected error occurred' : (error.message ?? ''),
    );
  });

  app.get('/health/live', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const redisUp = await answers(redis, 1000);
    const details = {
      kongConfig: { status: 'up', routes: kong.routes.length },
      redis: { status: redisUp ? 'up' : 'down' },
    };
    return reply.code(redisUp ? 200 : 503).send({
      status: redisUp ? 'ok' : 'error',
      info: redisUp ? details : { kongConfig: details.kongConfig },
      error: redisUp ? {} : { redis: details.redis },
      details,
    });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  const upstreamStarts = new WeakMap<FastifyRequest, bigint>();
  const observeUpstream = (request: FastifyRequest, route: KongRoute, outcome: string) => {
    const started = upstreamStarts.get(request);
    if (started === undefined) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.upstreamDuration.observe(
      { service: route.service.name, route: route.name, outcome },
      seconds,
    );
  };

  for (const route of kong.routes) {
    const { service } = route;
    const upstream = resolveUpstreamOrigin(service, hostRules);
    const servicePath = service.path ?? '';
    for (const path of route.paths) {
      const prefix = path.replace(/\/+$/, '');
      await app.register(httpProxy, {
        upstream,
        prefix,
        // `/r/` matches `/r/{token}` but not `/r` itself; `/api/auth` matches `/api/auth` and below it.
        routes: path.endsWith('/') && prefix !== '' ? ['/*'] : ['/', '/*'],
        rewritePrefix: route.stripPath ? servicePath : servicePath + prefix,
        httpMethods: route.methods ?? proxiedMethods,
        config: { kongRoute: route, kongPath: path },
        disableRequestLogging: true,
        // Close the upstream pools with the gateway (reply-from keeps them open by default).
        destroyAgent: true,
        undici: {
          connections: 128,
          pipelining: 1,
          connectTimeout: service.connectTimeoutMs,
          headersTimeout: service.readTimeoutMs,
          bodyTimeout: service.readTimeoutMs,
          // reply-from turns TLS verification off for undici unless told; `connect` takes precedence over it.
          connect: { rejectUnauthorized: service.tlsVerify ?? true },
        },
        replyOptions: {
          // reply-from types its callbacks for any raw server (HTTP/2 included); this gateway serves HTTP/1.1.
          rewriteRequestHeaders: (proxied, headers) => {
            const request = proxied as unknown as FastifyRequest;
            upstreamStarts.set(request, process.hrtime.bigint());
            return forwardedHeaders(request, headers, correlation?.headerName);
          },
          onResponse: (proxied, reply, response) => {
            const upstreamResponse = response as unknown as {
              statusCode: number;
              stream: Readable;
            };
            observeUpstream(
              proxied as unknown as FastifyRequest,
              route,
              String(upstreamResponse.statusCode),
            );
            void reply.send(upstreamResponse.stream);
          },
          onError: (reply, { error }) => {
            const request = reply.request as unknown as FastifyRequest;
            observeUpstream(request, route, 'error');
            const failure = upstreamFailure(error);
            request.log.warn(
              { upstream: service.name, code: failure.code },
              'upstream request failed',
            );
            void sendProblem(
              request,
              reply as unknown as FastifyReply,
              failure.status,
              failure.detail,
            );
          },
          // Kong's `retries`: only for connection failures, and only when no request body was consumed.
          retryDelay: ({ err, req, attempt }) => {
            const code = errorCode(err);
            const method = (req as unknown as { method?: string }).method ?? '';
            return err &&
              code &&
              retryableConnectionErrors.has(code) &&
              idempotentMethods.has(method) &&
              attempt < service.retries
              ? 25 * (attempt + 1)
              : null;
          },
        },
      });
    }
  }
  return app;
}

/** One JSON line per request, and the request metrics. The gateway's own endpoints log at debug. */
function registerObservability(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = kongRouteOf(request);
    const ownUrl = request.routeOptions.url;
    const routeLabel = route?.name ?? (ownUrl ? 'gateway' : 'unmatched');
    const prefix = kongPathOf(request) ?? ownUrl ?? 'none';
    const status = reply.statusCode;
    metrics.requests.inc({
      route: routeLabel,
      prefix,
      method: request.method,
      status: String(status),
    });
    metrics.requestDuration.observe(
      { route: routeLabel, status_class: `${Math.floor(status / 100)}xx` },
      reply.elapsedTime / 1000,
    );
    const entry = {
      method: request.method,
      route: routeLabel,
      prefix,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (routeLabel === 'gateway') request.log.debug(entry, 'request completed');
    else request.log.info(entry, 'request completed');
  });
}

/** What Kong adds upstream: the correlation id and the X-Forwarded-* / X-Real-IP set. */
function forwardedHeaders(
  request: FastifyRequest,
  headers: IncomingHttpHeaders,
  correlationHeader: string | undefined,
): IncomingHttpHeaders {
  const forwardedFor = headers['x-forwarded-for'];
  const result: IncomingHttpHeaders = {
    ...headers,
    'x-forwarded-for': forwardedFor ? `${String(forwardedFor)}, ${request.ip}` : request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.hostname,
    'x-forwarded-port': String(request.port ?? (request.protocol === 'https' ? 443 : 80)),
    'x-real-ip': request.ip,
  };
  if (correlationHeader) result[correlationHeader.toLowerCase()] = request.id;
  return result;
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Kong's answers to a failed upstream: 504 on timeouts, 503 when the name does not resolve, else 502. */
function upstreamFailure(error: Error): {
  status: number;
  detail: string;
  code: string | undefined;
} {
  const code = errorCode(error);
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (statusCode === 504 || (code !== undefined && timeoutErrors.has(code))) {
    return { status: 504, detail: 'The upstream server is timing out', code };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { status: 503, detail: 'name resolution failed', code };
  return { status: 502, detail: 'An invalid response was received from the upstream server', code };
}

/** True when Redis answers a PING within the timeout. */
async function answers(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    return (await Promise.race([redis.ping(), timeout])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
