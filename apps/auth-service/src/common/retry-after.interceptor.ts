import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { catchError, throwError } from 'rxjs';
import { LoginThrottledError } from '../sessions/sessions.errors';

/**
 * Adds Retry-After (RFC 9110 §10.2.3) to a throttled login's 429; the problem filter then writes
 * the body on the same reply, keeping the header.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof LoginThrottledError) {
          void context
            .switchToHttp()
            .getResponse<FastifyReply>()
            .header('Retry-After', String(error.retryAfterSeconds));
        }
        return throwError(() => error);
      }),
    );
  }
}
