import { AsyncLocalStorage } from 'node:async_hooks';
import { principalOfRequest } from '../authorization/request-principal';
import { currentRequest } from './request-scope';
import type { Principal } from '../authorization/principal';

/** Raised when tenant-scoped code runs outside any request or consumer scope: a wiring bug, never a user error. */
export class TenantContextMissingError extends Error {
  constructor() {
    super(
      'No tenant context: run this inside TenantContext.run (a request, a consumer handler, a job)',
    );
    this.name = 'TenantContextMissingError';
  }
}

const storage = new AsyncLocalStorage<Principal>();

/**
 * The caller of the work in progress, carried through async calls without being passed along, so
 * the persistence layer can set the Postgres row-level-security org for each transaction.
 * HTTP requests get it from the request scope (`installRequestScope`); Kafka consumers and jobs open it
 * themselves with the event's org, e.g. `TenantContext.run({ orgId, roles: [], scopes: [] }, fn)`.
 */
export class TenantContext {
  static run<T>(principal: Principal, work: () => T): T {
    return storage.run(principal, work);
  }

  /** Set explicitly by `run`, else the caller of the HTTP request in progress when it acts in an org. */
  static current(): Principal | undefined {
    const explicit = storage.getStore();
    if (explicit) return explicit;
    const request = currentRequest();
    return request ? principalOfRequest(request) : undefined;
  }

  static requireOrgId(): string {
    const principal = TenantContext.current();
    if (!principal) throw new TenantContextMissingError();
    return principal.orgId;
  }
}
