import type { ProblemDetails } from '@careloop/contracts';
import { PROBLEM_JSON_CONTENT_TYPE } from '@careloop/contracts';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, statusOfDomainError } from './domain.error';
import { RequestValidationError } from './validation.pipe';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps any exception to RFC 9457 problem details: one error format for every service. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception);
    const correlationId = request.headers['x-correlation-id'] ?? request.id;
    problem.correlationId = Array.isArray(correlationId) ? correlationId[0] : String(correlationId);
    problem.instance = request.url;
    if (problem.status >= 500) {
      this.logger.error({
        msg: 'request failed',
        err: exception,
        correlationId: problem.correlationId,
      });
    }
    void reply
      .status(problem.status)
      .header('content-type', PROBLEM_JSON_CONTENT_TYPE)
      .send(problem);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationError) {
      return {
        type: 'about:blank#validation',
        title: 'Bad Request',
        status: 400,
        detail: exception.message,
        errors: exception.errors,
      };
    }
    if (exception instanceof DomainError) {
      const status = statusOfDomainError[exception.kind];
      return {
        type: `about:blank#${exception.code}`,
        title: titles[status] ?? 'Error',
        status,
        detail: exception.message,
        ...(exception.errors.length > 0 ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const { message } =
        typeof response === 'string' ? { message: response } : (response as { message?: unknown });
      const detail = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
      return { type: 'about:blank', title: titles[status] ?? 'Error', status, detail };
    }
    // Fastify's own errors (bad JSON, body too large, wrong content type) carry a statusCode.
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        type: 'about:blank',
        title: titles[statusCode] ?? 'Bad Request',
        status: statusCode,
        detail: exception instanceof Error ? exception.message : 'The request could not be read',
      };
    }
    return {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'An unexpected error occurred; quote the correlation id when reporting it',
    };
  }
}
