import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { principalOfRequest } from '../authorization/request-principal';
import { TenantContext } from './tenant.context';

/**
 * Runs the handler inside `TenantContext` for the authenticated caller. An interceptor, not the
 * guard: a guard returns before the handler starts, so the context it entered would not reach the
 * handler's async continuations, while subscribing to `next.handle()` inside `run` starts the
 * handler within it.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = principalOfRequest(context.switchToHttp().getRequest<object>());
    if (!principal) return next.handle();
    return new Observable((subscriber) =>
      TenantContext.run(principal, () => next.handle().subscribe(subscriber)),
    );
  }
}
