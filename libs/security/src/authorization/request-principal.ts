import type { Principal } from './principal';

/**
 * The principal of each in-flight request, keyed by the request object the guard saw. A WeakMap
 * instead of a property on the request: typed, invisible to serializers, gone with the request.
 */
const principals = new WeakMap<object, Principal>();

export function attachPrincipal(request: object, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOfRequest(request: object): Principal | undefined {
  return principals.get(request);
}
