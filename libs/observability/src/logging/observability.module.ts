import { Module, RequestMethod } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { CORRELATION_ID_HEADER, resolveCorrelationId } from './correlation-id';
import { createLogger } from './logger.factory';
import type { LogLevel } from './logger.factory';

export interface ObservabilityModuleOptions {
  serviceName: string;
  logLevel: LogLevel;
  /**
   * Path prefixes whose requests are not logged. Defaults to the probe and scrape routes, which
   * would otherwise be most of the log volume; readiness changes are logged by the health module.
   */
  quietPathPrefixes?: readonly string[];
  /** Where lines go instead of stdout; for tests. */
  destination?: DestinationStream;
}

const defaultQuietPathPrefixes = ['/health/', '/metrics'];

/**
 * The respondent link `/r/{token}` carries the patient's credential in its path and query strings
 * can carry PII (`?externalAppointmentId=`); request logs keep the path shape only.
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return path.replace(/^\/r\/[^/]+/, '/r/:token');
}

interface MiddlewareRequest {
  url?: string;
  /** Set by @fastify/middie: Nest strips the matched path from `url` before middleware runs. */
  originalUrl?: string;
}

function isQuiet(request: MiddlewareRequest, prefixes: readonly string[]): boolean {
  const path = loggablePath(request.originalUrl ?? request.url);
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix));
}

/**
 * On Fastify the correlation id must be Fastify's request id: @fastify/middie copies that id onto
 * the raw request before any Nest middleware runs, so pino-http never gets to choose one. Setting
 * the generator here (before the server starts) spares every service from configuring its adapter.
 */
function useCorrelationIdAsRequestId(fastify: FastifyInstance): void {
  fastify.setGenReqId((request) => resolveCorrelationId(request));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_ID_HEADER, request.id);
    done();
  });
}

/**
 * Logging for a Nest service: one pino logger (see `createLogger`) for application logs and one
 * line per request (method, path, status, duration; never bodies or headers), both carrying
 * `correlation_id` and the active trace ids.
 *
 * Wiring in a service:
 * ```ts
 * // main.ts — telemetry first, so the modules Nest loads are instrumented
 * import { startTelemetry } from '@careloop/observability';
 * const shutdownTelemetry = startTelemetry('feedback-service');
 * …
 * const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env),
 *   new FastifyAdapter(), { bufferLogs: true });
 * app.useLogger(app.get(Logger));   // Logger from 'nestjs-pino': Nest's own logs go to pino too
 * app.enableShutdownHooks();
 *
 * // app.module.ts
 * imports: [ObservabilityModule.forRoot({ serviceName: 'feedback-service', logLevel: env.LOG_LEVEL }), …]
 * ```
 * Inject `Logger` (Nest-style) or `PinoLogger` from `nestjs-pino` in classes.
 */
@Module({})
export class ObservabilityModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify')
      useCorrelationIdAsRequestId(adapter.getInstance<FastifyInstance>());
  }

  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const quietPrefixes = options.quietPathPrefixes ?? defaultQuietPathPrefixes;
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: createLogger(options.serviceName, options.logLevel, options.destination),
            genReqId: (request: IncomingMessage, response: ServerResponse) =>
              resolveCorrelationId(request, response),
            customAttributeKeys: { reqId: 'correlation_id', responseTime: 'duration_ms' },
            // Binds only the correlation id to lines written during the request; the full request
            // object on every line would bloat the logs.
            quietReqLogger: true,
            autoLogging: {
              ignore: (request) => isQuiet(request, quietPrefixes),
            },
            customLogLevel: (_request, response, error) => {
              if (error || response.statusCode >= 500) return 'error';
              if (response.statusCode >= 400) return 'warn';
              return 'info';
            },
            serializers: {
              req: (request: { method?: string; url?: string }) => ({
                method: request.method,
                // pino's request serializer already prefers `originalUrl` over the stripped `url`.
                path: loggablePath(request.url),
              }),
              res: (response: { statusCode?: number }) => ({ status_code: response.statusCode }),
            },
          },
          // Nest 11's path syntax for "everything" (the library's default `*` draws a warning).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
