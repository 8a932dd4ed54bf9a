import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface RequestScope {
  correlationId: string;
  /** The framework's request object (the one guards see); absent for consumer and job scopes. */
  request?: object;
}

/**
 * The request (or message) being handled, for everything that runs on its behalf: log lines read
 * its correlation id, `TenantContext` and `RequestContext` read its caller. One AsyncLocalStorage
 * entered by a Fastify hook, instead of a Nest interceptor per request (each costs two
 * AsyncResource bindings and an rxjs pipeline) and a child logger per request.
 */
const scopeStorage = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (and everything it starts) as part of the request or message `correlationId`. */
export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return scopeStorage.run({ correlationId }, work);
}

/** The correlation id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return scopeStorage.getStore()?.correlationId;
}

/** The HTTP request in progress, if any. */
export function currentRequest(): object | undefined {
  return scopeStorage.getStore()?.request;
}

const installed = new WeakSet<FastifyInstance>();

/**
 * Enters the request scope for every request of this Fastify instance (idempotent: the security
 * and observability modules both ask for it). The scope's correlation id is Fastify's request id.
 * Body parsing runs outside the request's async context, so `preValidation` enters it again.
 */
export function installRequestScope(fastify: FastifyInstance): void {
  if (installed.has(fastify)) return;
  installed.add(fastify);
  const enter = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    if (scopeStorage.getStore()?.request === request) done();
    else scopeStorage.run({ correlationId: request.id, request }, done);
  };
  fastify.addHook('onRequest', enter);
  fastify.addHook('preValidation', enter);
}
