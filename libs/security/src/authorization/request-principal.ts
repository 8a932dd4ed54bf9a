import type { AuthenticatedCaller, Principal } from './principal';
import { hasOrganization } from './principal';

/**
 * The caller of each in-flight request, keyed by the request object the guard saw. A WeakMap
 * instead of a property on the request: typed, invisible to serializers, gone with the request.
 */
const callers = new WeakMap<object, AuthenticatedCaller>();

export function attachCaller(request: object, caller: AuthenticatedCaller): void {
  callers.set(request, caller);
}

export function callerOfRequest(request: object): AuthenticatedCaller | undefined {
  return callers.get(request);
}

/** The caller when it acts in an organization; undefined for anonymous and organization-less callers. */
export function principalOfRequest(request: object): Principal | undefined {
  const caller = callers.get(request);
  return caller && hasOrganization(caller) ? caller : undefined;
}
