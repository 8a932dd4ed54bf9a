import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CORRELATION_ID_HEADER } from './correlation-id';
import { installRequestScope } from '@careloop/security';

export interface RequestLoggingOptions {
  /** Path prefixes whose successful requests are not logged (probes and scrapes). */
  quietPathPrefixes: readonly string[];
}

/**
 * The respondent link `/r/{token}` carries the patient's credential in its path and query strings
 * can carry PII (`?externalAppointmentId=`); request logs keep the path shape only.
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return path.replace(/^\/r\/[^/]+/, '/r/:token');
}

/**
 * One line per request (method, path, status, duration; never bodies or headers) and the request's
 * correlation id on every line written while it is handled, as Fastify hooks: they see every
 * request, including those refused before Nest (404, 400 on parsing), at a fraction of the cost of
 * an Express-style middleware with a child logger per request.
 *
 * The correlation id is Fastify's request id (the adapter's `genReqId` is `resolveCorrelationId`),
 * carried by the request scope of `@careloop/security`.
 */
export function installRequestLogging(
  fastify: FastifyInstance,
  logger: Logger,
  options: RequestLoggingOptions,
): void {
  const isQuiet = (path: string) =>
    options.quietPathPrefixes.some((prefix) => path === prefix || path.startsWith(prefix));

  installRequestScope(fastify);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    reply.header(CORRELATION_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode;
    const path = loggablePath(request.url);
    if (status < 400 && isQuiet(path)) return done();
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          correlation_id: request.id,
          req: { method: request.method, path },
          res: { status_code: status },
          duration_ms: Math.round(reply.elapsedTime * 1_000) / 1_000,
        },
        'request completed',
      );
    }
    done();
  });
}
