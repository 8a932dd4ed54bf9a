/**
 * Observability for CareLoop services: OpenTelemetry traces, the pino logger, Prometheus metrics
 * and health probes. Wiring, in this order:
 *
 * ```ts
 * // main.ts: telemetry before anything it instruments is required
 * import { startTelemetry } from '@careloop/observability';
 * const shutdownTelemetry = startTelemetry('survey-service');
 * import('./bootstrap').then(({ bootstrap }) => runOrExit('survey-service', () => bootstrap(shutdownTelemetry)));
 *
 * // app.module.ts
 * ObservabilityModule.forRoot({ serviceName: 'survey-service', logLevel: env.LOG_LEVEL }),
 * MetricsModule.forRoot({ serviceName: 'survey-service' }),
 * HealthModule.forRoot({ checks: [postgresCheck(DataSource), redisCheck(REDIS_CLIENT), kafkaCheck(KAFKA_CLIENT)] }),
 *
 * // bootstrap.ts
 * const app = await NestFactory.create<NestFastifyApplication>(AppModule,
 *   new FastifyAdapter(), { bufferLogs: true });   // ObservabilityModule sets the request id
 * app.useLogger(app.get(PinoNestLogger));    // Nest's logs and `new Logger(Context)` through pino
 * app.setGlobalPrefix('api/surveys', { exclude: ['health/(.*)', 'metrics'] });
 * app.enableShutdownHooks();
 * ```
 * `shutdownTelemetry()` belongs after `app.close()`, so the last spans are flushed.
 */
export * from './telemetry/telemetry.bootstrap';
export * from './telemetry/trace-context';
export * from './logging/logger.factory';
export * from './logging/correlation-id';
export * from './logging/nest-logger';
export * from './logging/request-logging';
export * from './logging/observability.module';
export * from './metrics/metric.registry';
export * from './metrics/messaging.metrics';
export * from './metrics/http.metrics';
export * from './metrics/metrics.controller';
export * from './metrics/metrics.module';
export * from './health/readiness-check';
export * from './health/postgres.probe';
export * from './health/redis.probe';
export * from './health/kafka.probe';
export * from './health/health.service';
export * from './health/health.controller';
export * from './health/health.module';
