import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';

/**
 * RFC 9457 problem details, the error shape of every CareLoop API. Errors made by the gateway itself carry
 * `about:blank`: their meaning is exactly the HTTP status (RFC 9457 section 4.2.1), and the title is its phrase.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  correlationId: string;
}

export const problemContentType = 'application/problem+json; charset=utf-8';

export function problem(request: FastifyRequest, status: number, detail: string): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    correlationId: request.id,
  };
}

/** Sends a problem and returns the reply, so async hooks can `return sendProblem(...)` to stop the chain. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers(headers)
    .type(problemContentType)
    .send(JSON.stringify(problem(request, status, detail)));
}
