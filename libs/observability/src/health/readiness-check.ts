import type { InjectionToken } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { KafkaHealthProbe } from './kafka.probe';
import { PostgresHealthProbe } from './postgres.probe';
import { RedisHealthProbe } from './redis.probe';

/** Asks one dependency whether it answers. Resolves when it does; rejects with the reason otherwise. */
export interface HealthProbe {
  probe(): Promise<void>;
  /** Releases connections the probe opened itself (the Kafka admin); called on shutdown. */
  close?(): Promise<void>;
}

/**
 * One named readiness check: a probe built by Nest from the service's own providers, so the check
 * uses the same DataSource, Redis client and Kafka client as the code it vouches for.
 */
export interface ReadinessCheck {
  /** Key in the health response and in the 503 body (`error.<name>`). */
  readonly name: string;
  readonly inject: readonly InjectionToken[];
  // `never[]` accepts factories with any concrete parameter types; Nest supplies them from `inject`.
  readonly useFactory: (...dependencies: never[]) => HealthProbe;
  /** Overrides the module's per-check timeout. */
  readonly timeoutMs?: number;
}

export interface CheckOptions {
  name?: string;
  timeoutMs?: number;
}

function named(
  defaultName: string,
  options: CheckOptions,
): Pick<ReadinessCheck, 'name' | 'timeoutMs'> {
  return {
    name: options.name ?? defaultName,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/** Any other dependency: `readinessCheck('smtp', { inject: [Mailer], useFactory: (m: Mailer) => ({ probe: () => m.verify() }) })`. */
export function readinessCheck<const D extends readonly unknown[]>(
  name: string,
  definition: {
    inject?: { [K in keyof D]: InjectionToken };
    useFactory: (...dependencies: D) => HealthProbe;
    timeoutMs?: number;
  },
): ReadinessCheck {
  return {
    name,
    inject: definition.inject ?? [],
    useFactory: definition.useFactory as unknown as ReadinessCheck['useFactory'],
    ...(definition.timeoutMs !== undefined ? { timeoutMs: definition.timeoutMs } : {}),
  };
}

/** `SELECT 1` through the TypeORM DataSource provided under `dataSourceToken`. */
export function postgresCheck(
  dataSourceToken: InjectionToken,
  options: CheckOptions = {},
): ReadinessCheck {
  return {
    ...named('postgres', options),
    inject: [dataSourceToken],
    useFactory: (dataSource: DataSource) => new PostgresHealthProbe(dataSource),
  };
}

/** `PING` through the ioredis client provided under `redisToken`. */
export function redisCheck(redisToken: InjectionToken, options: CheckOptions = {}): ReadinessCheck {
  return {
    ...named('redis', options),
    inject: [redisToken],
    useFactory: (redis: Redis) => new RedisHealthProbe(redis),
  };
}

/**
 * `describeCluster` through an admin client made from the kafkajs `Kafka` provided under
 * `kafkaToken` (so it shares brokers, TLS and SASL settings), kept connected between probes.
 */
export function kafkaCheck(kafkaToken: InjectionToken, options: CheckOptions = {}): ReadinessCheck {
  return {
    ...named('kafka', options),
    inject: [kafkaToken],
    useFactory: (kafka: Kafka) =>
      // No retries: a probe must answer within its timeout, and the next probe is the retry.
      new KafkaHealthProbe(() => kafka.admin({ retry: { retries: 0 } })),
  };
}
