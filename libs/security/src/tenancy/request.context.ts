import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthenticatedCaller } from '../authorization/principal';
import { callerOfRequest } from '../authorization/request-principal';
import { currentRequest } from './request-scope';

/** Where the work in progress came from: what an audit entry records besides the action. */
export interface RequestOrigin {
  caller?: AuthenticatedCaller;
  /** The client's address as the gateway reported it (Fastify `trustProxy`). */
  sourceIp?: string;
  correlationId?: string;
}

const storage = new AsyncLocalStorage<RequestOrigin>();

/** The origin of the current HTTP request, carried through async calls; undefined in consumers and jobs. */
export class RequestContext {
  static run<T>(origin: RequestOrigin, work: () => T): T {
    return storage.run(origin, work);
  }

  /** Set explicitly by `run`, else read from the HTTP request in progress (see `installRequestScope`). */
  static current(): RequestOrigin | undefined {
    const explicit = storage.getStore();
    if (explicit) return explicit;
    const request = currentRequest() as { ip?: string; id?: string } | undefined;
    if (!request) return undefined;
    const caller = callerOfRequest(request);
    return {
      ...(caller ? { caller } : {}),
      ...(request.ip ? { sourceIp: request.ip } : {}),
      ...(request.id ? { correlationId: request.id } : {}),
    };
  }
}
