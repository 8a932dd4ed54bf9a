import { Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { resolveCorrelationId } from './correlation-id';
import { createLogger } from './logger.factory';
import type { LogLevel } from './logger.factory';
import { PinoNestLogger } from './nest-logger';
import { installRequestLogging } from './request-logging';

export interface ObservabilityModuleOptions {
  serviceName: string;
  logLevel: LogLevel;
  /**
   * Path prefixes whose successful requests are not logged. Defaults to the probe and scrape
   * routes, which would otherwise be most of the log volume; readiness changes are logged by the
   * health module.
   */
  quietPathPrefixes?: readonly string[];
  /** Where lines go instead of stdout; for tests. */
  destination?: DestinationStream;
}

/** The process's pino logger, for code that wants pino's API rather than Nest's `Logger`. */
export const PINO_LOGGER = Symbol('PINO_LOGGER');
const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

const defaultQuietPathPrefixes = ['/health/', '/metrics'];

/**
 * Logging for a Nest service: one pino logger (see `createLogger`) for application logs, given to
 * Nest as `PinoNestLogger`, and one line per request, both carrying `correlation_id` and the
 * active trace ids.
 *
 * Wiring in a service (`bootstrapService` does this):
 * ```ts
 * const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(),
 *   { bufferLogs: true });
 * app.useLogger(app.get(PinoNestLogger));   // Nest's own logs and `new Logger(Context)` go to pino
 *
 * // app.module.ts
 * imports: [ObservabilityModule.forRoot({ serviceName: 'feedback-service', logLevel: env.LOG_LEVEL }), …]
 * ```
 */
@Module({})
export class ObservabilityModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityModuleOptions,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyInstance>();
    // On Fastify the correlation id is the request id; setting the generator here (before the
    // server starts) spares every service from configuring its adapter.
    fastify.setGenReqId((request) => resolveCorrelationId(request));
    installRequestLogging(fastify, this.logger, {
      quietPathPrefixes: this.options.quietPathPrefixes ?? defaultQuietPathPrefixes,
    });
  }

  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const logger = createLogger(options.serviceName, options.logLevel, options.destination);
    return {
      module: ObservabilityModule,
      global: true,
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        { provide: PINO_LOGGER, useValue: logger },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(logger) },
      ],
      exports: [PINO_LOGGER, PinoNestLogger],
    };
  }
}
