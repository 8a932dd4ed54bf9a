import { AuditModule } from '@careloop/audit';
import type { ServiceEnvironment } from '@careloop/config';
import type { FetchBatching } from '@careloop/messaging';
import { KAFKA, MessagingModule } from '@careloop/messaging';
import {
  HealthModule,
  kafkaCheck,
  MetricsModule,
  ObservabilityModule,
  postgresCheck,
  redisCheck,
} from '@careloop/observability';
import { PersistenceModule, REDIS, RedisModule } from '@careloop/persistence';
import { SecurityModule } from '@careloop/security';
import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { resolveFetchBatching } from './fetch-batching';
import { ProblemDetailsFilter } from './http/problem-details.filter';

export interface ServiceDefinition {
  /** e.g. `feedback-service` */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function
  migrations: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function
  entities?: Function[];
  /**
   * How long this service's consumers may let events gather before a fetch returns (see
   * FetchBatching). Absent: every event is fetched as soon as it arrives.
   */
  fetchBatching?: FetchBatching;
}

/**
 * What every CareLoop service has, wired once: JSON logs, metrics, health, its database, Redis,
 * the outbox/inbox runtime, the audit trail and one error format. A service's AppModule imports this and adds
 * its feature modules.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot(definition: ServiceDefinition, environment: ServiceEnvironment): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: definition.name,
          logLevel: environment.LOG_LEVEL,
        }),
        MetricsModule.forRoot({ serviceName: definition.name }),
        PersistenceModule.forRoot({
          url: environment.DATABASE_URL,
          applicationName: definition.name,
          migrations: definition.migrations,
          entities: definition.entities ?? [],
        }),
        RedisModule.forRoot(environment.REDIS_URL, definition.name),
        MessagingModule.forRoot({
          serviceName: definition.name,
          brokers: environment.KAFKA_BROKERS,
          topicPrefix: environment.KAFKA_TOPIC_PREFIX,
          consumer: {
            commitIntervalMs: environment.KAFKA_COMMIT_INTERVAL_MS,
            commitThreshold: environment.KAFKA_COMMIT_THRESHOLD,
            sessionTimeoutMs: environment.KAFKA_SESSION_TIMEOUT_MS,
            fetchBatching: resolveFetchBatching(definition.fetchBatching, environment),
          },
        }),
        AuditModule.forRoot({ serviceName: definition.name }),
        HealthModule.forRoot({
          checks: [postgresCheck(DataSource), redisCheck(REDIS), kafkaCheck(KAFKA)],
        }),
        SecurityModule.forRoot({
          jwksUrl: environment.AUTH_JWKS_URL,
          issuer: environment.AUTH_ISSUER,
          audience: environment.AUTH_AUDIENCE,
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
