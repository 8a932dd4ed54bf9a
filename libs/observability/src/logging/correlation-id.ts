import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** The header CareLoop reads, echoes and forwards; Kong's correlation-id plugin sets the same one. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** Accepted from callers that only know the older convention; answered with `x-correlation-id`. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller-supplied id is copied into every log line and problem response, so only short,
 * printable tokens are trusted; anything else (newlines, megabytes) is replaced by a fresh id.
 */
const acceptableId = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

const correlationIdKey = Symbol('careloop.correlationId');

type RequestWithCorrelationId = IncomingMessage & { [correlationIdKey]?: string };

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's correlation id when it is acceptable, else a new UUID. Pure; for tests and adapters. */
export function correlationIdFromHeaders(headers: IncomingHttpHeaders): string {
  for (const name of [CORRELATION_ID_HEADER, REQUEST_ID_HEADER]) {
    const candidate = firstHeader(headers, name)?.trim();
    if (candidate && acceptableId.test(candidate)) return candidate;
  }
  return randomUUID();
}

/**
 * The request's correlation id, decided once per request and remembered on the raw request, so
 * the request logger, the problem-details filter and outgoing calls all report the same id.
 * With a response, the id is also echoed in `x-correlation-id` (headers set on the raw response
 * survive Fastify's reply). Fits Fastify's `genReqId`.
 */
export function resolveCorrelationId(request: IncomingMessage, response?: ServerResponse): string {
  const holder = request as RequestWithCorrelationId;
  let id = holder[correlationIdKey];
  if (id === undefined) {
    id = correlationIdFromHeaders(request.headers);
    holder[correlationIdKey] = id;
    // Lets a trace be found from the id a user quotes in a support ticket.
    trace.getActiveSpan()?.setAttribute('correlation_id', id);
  }
  if (response && !response.headersSent && !response.hasHeader(CORRELATION_ID_HEADER)) {
    response.setHeader(CORRELATION_ID_HEADER, id);
  }
  return id;
}

/**
 * The correlation id of a request seen by a controller or filter: pass the Fastify request (its
 * `raw` is used) or the raw Node request.
 */
export function correlationIdOf(request: IncomingMessage | { raw: IncomingMessage }): string {
  return resolveCorrelationId('raw' in request ? request.raw : request);
}
