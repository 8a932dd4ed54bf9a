import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { kongRouteOf } from '../gateway-route.context';
import { sendProblem } from '../gateway.problem';
import type { KongRoute, RateLimitingConfig, RatePeriod } from '../kong-config.types';
import type { RateLimitStore } from './rate-limit.store';
import { fixedWindow } from './rate-limit.window';

export interface RateLimitingOptions {
  stores: Record<RateLimitingConfig['policy'], RateLimitStore>;
  /** The `policy: redis` store that syncs every so many milliseconds (`sync_rate` > 0). */
  redisSyncedEvery: (syncRateMs: number) => RateLimitStore;
  now?: () => number;
  /** Redis key prefix; tests give each run its own so counters of earlier runs do not leak in. */
  keyPrefix?: string;
}

/**
 * Kong's rate-limiting plugin: fixed windows per period (second ... year) aligned to the UTC clock, one counter
 * per plugin attachment (global, service or route) and client identity, in Redis for `policy: redis`.
 *
 * With `sync_rate` > 0 the counters are kept here and synced to Redis every `sync_rate` seconds, as Kong
 * does (SyncedRedisRateLimitStore).
 *
 * Differences from Kong, on purpose: the counter is incremented and compared in one atomic step (Kong reads,
 * then increments, so concurrent requests can overshoot), a `sync_rate` of 0 counts in Redis per request (Kong
 * would sync on every timer tick), and `limit_by: consumer`/`credential` count by client
 * IP because the local gateway has no consumers (Kong falls back to the IP the same way for anonymous callers).
 */
export function registerRateLimiting(app: FastifyInstance, options: RateLimitingOptions): void {
  const now = options.now ?? Date.now;
  const keyPrefix = options.keyPrefix ?? 'careloop:gateway:ratelimit';
  let lastStoreWarningAt = 0;

  app.addHook('onRequest', async (request, reply) => {
    const route = kongRouteOf(request);
    const binding = route?.plugins.rateLimiting;
    if (!route || !binding || binding.config.limits.length === 0) return;
    const { config, scope } = binding;
    const at = now();
    const identifier = identify(request, route, config);
    const windows = config.limits.map((limit) => ({
      ...limit,
      window: fixedWindow(limit.period, at),
    }));

    let counts: number[];
    try {
      const store =
        config.policy === 'redis' && config.syncRateSeconds > 0
          ? options.redisSyncedEvery(config.syncRateSeconds * 1000)
          : options.stores[config.policy];
      counts = await store.increment(
        windows.map(({ period, window }) => ({
          key: `${keyPrefix}:${scope}:${identifier}:${period}:${window.startMs}`,
          // A second past the window's end covers clock skew between gateway instances.
          ttlMs: window.endMs - at + 1000,
        })),
      );
    } catch (error) {
      if (at - lastStoreWarningAt > 10_000) {
        lastStoreWarningAt = at;
        request.log.warn(
          { err: error, faultTolerant: config.faultTolerant },
          'rate-limit counters unavailable',
        );
      }
      if (config.faultTolerant) return; // Kong's fault_tolerant: serve rather than fail while Redis is away
      return sendProblem(request, reply, 500, 'An unexpected error occurred');
    }

    const states = windows.map(({ period, limit, window }, index) => {
      const count = counts[index] ?? 0;
      return {
        period,
        limit,
        remaining: Math.max(0, limit - count),
        exceeded: count > limit,
        resetSeconds: Math.max(1, Math.ceil((window.endMs - at) / 1000)),
      };
    });
    if (!config.hideClientHeaders) setClientHeaders(reply, states);

    const exceeded = states.filter((s) => s.exceeded);
    if (exceeded.length > 0) {
      const retryAfter = Math.max(...exceeded.map((s) => s.resetSeconds));
      return sendProblem(request, reply, config.errorCode, config.errorMessage, {
        'retry-after': String(retryAfter),
      });
    }
  });
}

interface WindowState {
  period: RatePeriod;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** Kong's headers: one pair per period, plus the draft-standard RateLimit-* for the tightest period. */
function setClientHeaders(reply: FastifyReply, states: WindowState[]): void {
  let tightest: WindowState | undefined;
  for (const state of states) {
    const name = state.period.charAt(0).toUpperCase() + state.period.slice(1);
    reply.header(`x-ratelimit-limit-${name}`, String(state.limit));
    reply.header(`x-ratelimit-remaining-${name}`, String(state.remaining));
    if (!tightest || state.remaining < tightest.remaining) tightest = state;
  }
  if (tightest) {
    reply.header('ratelimit-limit', String(tightest.limit));
    reply.header('ratelimit-remaining', String(tightest.remaining));
    reply.header('ratelimit-reset', String(tightest.resetSeconds));
  }
}

function identify(request: FastifyRequest, route: KongRoute, config: RateLimitingConfig): string {
  switch (config.limitBy) {
    case 'service':
      return route.service.name;
    case 'header': {
      const value = config.headerName
        ? request.headers[config.headerName.toLowerCase()]
        : undefined;
      return typeof value === 'string' && value !== '' ? value : request.ip;
    }
    case 'path':
      return config.path && request.url.split('?')[0] === config.path ? config.path : request.ip;
    default:
      return request.ip;
  }
}
