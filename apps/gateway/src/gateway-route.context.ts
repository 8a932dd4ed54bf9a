import type { FastifyRequest } from 'fastify';
import type { KongRoute } from './kong-config.types';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The kong.yml route a proxied path belongs to; absent on the gateway's own endpoints and on 404s. */
    kongRoute?: KongRoute;
    /** The kong.yml path that matched, e.g. `/api/auth/login`; the metrics and log label. */
    kongPath?: string;
  }
}

export function kongRouteOf(request: FastifyRequest): KongRoute | undefined {
  return request.routeOptions.config.kongRoute;
}

export function kongPathOf(request: FastifyRequest): string | undefined {
  return request.routeOptions.config.kongPath;
}
