import fastifyCors from '@fastify/cors';
import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { kongRouteOf } from '../gateway-route.context';
import type { CorsConfig, GatewayPlugins } from '../kong-config.types';

/** Kong treats an origin made only of these characters as a literal; anything else is a regex. */
const literalOrigin = /^[A-Za-z0-9.:/-]+$/;

/**
 * Translates Kong's cors config into @fastify/cors options with Kong's matching rules: no origins or `*` allows
 * every origin; literal origins match exactly; other entries are regexes Kong anchors at both ends.
 * Every option is set explicitly, because a route's instance replaces the global one entirely in Kong.
 */
export function toFastifyCorsOptions(config: CorsConfig | undefined): FastifyCorsOptions {
  if (!config) return { origin: false };
  const { origins } = config;
  let origin: FastifyCorsOptions['origin'];
  if (origins.length === 0 || origins.includes('*')) origin = '*';
  else if (origins.length === 1 && literalOrigin.test(origins[0] ?? '')) origin = origins[0];
  else {
    origin = origins.map((entry) =>
      literalOrigin.test(entry)
        ? entry
        : new RegExp(`^${entry.replace(/^\^/, '').replace(/\$$/, '')}$`),
    );
  }
  return {
    origin,
    methods: config.methods,
    allowedHeaders: config.headers,
    exposedHeaders: config.exposedHeaders,
    maxAge: config.maxAge,
    credentials: config.credentials,
    preflightContinue: config.preflightContinue,
    // Kong answers any OPTIONS request on a cors route as a preflight; it does not 400 a bare OPTIONS.
    strictPreflight: false,
    optionsSuccessStatus: 200,
  };
}

/**
 * @fastify/cors with a per-request delegator, so each kong.yml route gets its effective cors instance (route,
 * else service, else global). Requests on no route (404s) get the global instance.
 */
export async function registerCors(
  app: FastifyInstance,
  globalPlugins: GatewayPlugins,
): Promise<void> {
  const globalOptions = toFastifyCorsOptions(globalPlugins.cors?.config);
  const perRoute = new WeakMap<CorsConfig, FastifyCorsOptions>();
  const optionsFor = (config: CorsConfig | undefined): FastifyCorsOptions => {
    if (!config) return { origin: false };
    let options = perRoute.get(config);
    if (!options) perRoute.set(config, (options = toFastifyCorsOptions(config)));
    return options;
  };
  await app.register(fastifyCors, {
    hook: 'onRequest',
    delegator: (request, callback) => {
      const route = kongRouteOf(request);
      callback(null, route ? optionsFor(route.plugins.cors?.config) : globalOptions);
    },
  });
}
