import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { CorrelationIdConfig } from '../kong-config.types';

/**
 * Kong's correlation-id plugin: keep the caller's id or make one, forward it upstream, echo it downstream.
 *
 * The id doubles as Fastify's request id, so every log line of the request carries it. Unlike Kong, an incoming
 * value that is not a short token is replaced: it lands in every service's logs and must not smuggle in
 * newlines or megabytes.
 */
export const acceptableCorrelationId = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Builds Fastify's `genReqId` from the global correlation-id plugin (or plain UUIDs when kong.yml has none). */
export function correlationIdGenerator(
  config: CorrelationIdConfig | undefined,
): (request: IncomingMessage) => string {
  const headerName = config?.headerName.toLowerCase();
  // uuid#counter is Kong's default: one UUID per worker and a counter, cheaper than a UUID per request.
  const workerId = randomUUID();
  let counter = 0;
  const generate =
    config?.generator === 'uuid#counter'
      ? () => `${workerId}#${(counter = (counter + 1) % Number.MAX_SAFE_INTEGER)}`
      : () => randomUUID();
  return (request) => {
    const incoming = headerName ? request.headers[headerName] : undefined;
    return typeof incoming === 'string' && acceptableCorrelationId.test(incoming)
      ? incoming
      : generate();
  };
}

/** Echoes the id to the client (`echo_downstream`); forwarding upstream happens in the proxy's header rewrite. */
export function registerCorrelationId(
  app: FastifyInstance,
  config: CorrelationIdConfig | undefined,
): void {
  if (!config?.echoDownstream) return;
  const headerName = config.headerName;
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(headerName, request.id);
    return payload;
  });
}
