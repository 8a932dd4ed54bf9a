import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { callerOfRequest, principalOfRequest } from '../authorization/request-principal';
import type { RequestOrigin } from './request.context';
import { RequestContext } from './request.context';
import { TenantContext } from './tenant.context';

interface FastifyRequestLike {
  ip?: string;
  id?: string;
}

/**
 * Runs the handler inside `RequestContext` (caller, source address, correlation id: what audit
 * entries record) and, for a caller acting in an organization, inside `TenantContext`. An
 * interceptor, not the guard: a guard returns before the handler starts, so the context it entered
 * would not reach the handler's async continuations, while subscribing to `next.handle()` inside
 * `run` starts the handler within it.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequestLike>();
    const caller = callerOfRequest(request);
    const origin: RequestOrigin = {
      ...(caller ? { caller } : {}),
      ...(request.ip ? { sourceIp: request.ip } : {}),
      ...(request.id ? { correlationId: request.id } : {}),
    };
    const principal = principalOfRequest(request);
    return new Observable((subscriber) =>
      RequestContext.run(origin, () =>
        principal
          ? TenantContext.run(principal, () => next.handle().subscribe(subscriber))
          : next.handle().subscribe(subscriber),
      ),
    );
  }
}
