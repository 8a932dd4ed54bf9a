import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthenticatedCaller } from '../authorization/principal';

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

  static current(): RequestOrigin | undefined {
    return storage.getStore();
  }
}
