import { join } from 'node:path';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  deleteTestTopics,
  testInfrastructure,
  uniqueSuffix,
} from '@careloop/testing';
import type { Environment, RunningApp } from '../../../scripts/local-stack';
import {
  gatewayEnvironment,
  localStack,
  serviceEnvironment,
  startApp,
  stopApp,
  waitUntilReady,
} from '../../../scripts/local-stack';
import { freePort, isolatedBus, systemLogDirectory } from '../../system/support/system-stack';

export interface StackService {
  name: string;
  url: string;
  port: number;
  database: TestDatabase;
  app: RunningApp;
}

/** Every CareLoop service and the gateway, as real processes, on their own databases, topics and ports. */
export interface CareLoopStack {
  /** Where users reach CareLoop: the gateway serving deploy/kong/kong.yml. */
  gatewayUrl: string;
  services: Record<string, StackService>;
  topicPrefix: string;
  logDirectory: string;
  stop(): Promise<void>;
}

/** What auth-service stamps and every service expects; the issuer is a name, not an address. */
export const stackIssuer = 'http://127.0.0.1:8080/api/auth';
export const stackAudience = 'careloop-api';

/**
 * Starts the whole mesh the way `npm start` does, but isolated, so several stacks and other tests can
 * share one Postgres, Redis and Kafka: throwaway databases, a topic prefix, free ports, and its own
 * rate-limit counters at the gateway.
 */
export async function startCareLoopStack(
  options: {
    environment?: Record<string, Environment>;
    /** Per app (service name or `gateway`), extra flags for node, e.g. `--cpu-prof`. */
    nodeArguments?: Record<string, readonly string[]>;
  } = {},
): Promise<CareLoopStack> {
  const topicPrefix = await isolatedBus();
  const logDirectory = join(systemLogDirectory, `stack-${topicPrefix.replace(/\.$/, '')}`);
  const planned = await Promise.all(
    localStack.services.map(async (service) => ({
      name: service.name,
      port: await freePort(),
      database: await createTestDatabase(service.name.replace(/-service$/, '')),
    })),
  );
  const authPort = planned.find((service) => service.name === 'auth-service')!.port;
  // Redis is shared with other stacks and suites: this stack's login-failure counters are its own.
  const stackEnvironment: Record<string, Environment> = {
    'auth-service': { AUTH_REDIS_KEY_PREFIX: `auth-stack:${uniqueSuffix()}` },
  };
  const jwksUrl = `http://127.0.0.1:${authPort}/api/auth/.well-known/jwks.json`;

  const services: Record<string, StackService> = {};
  const started: RunningApp[] = [];
  const stop = async () => {
    await Promise.all(started.map((app) => stopApp(app)));
    await Promise.all(planned.map((service) => service.database.drop()));
    // Left behind, a stack's partitions would cost the shared broker in every later test and benchmark.
    await deleteTestTopics(topicPrefix);
  };

  try {
    for (const service of planned) {
      const environment: Environment = serviceEnvironment(
        { name: service.name, port: service.port, database: service.database.name },
        {
          DATABASE_URL: service.database.url,
          REDIS_URL: testInfrastructure.redisUrl,
          KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
          KAFKA_TOPIC_PREFIX: topicPrefix,
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          AUTH_JWKS_URL: jwksUrl,
          AUTH_ISSUER: stackIssuer,
          AUTH_AUDIENCE: stackAudience,
          ...stackEnvironment[service.name],
          ...options.environment?.[service.name],
        },
      );
      const app = startApp(
        service.name,
        environment,
        logDirectory,
        options.nodeArguments?.[service.name],
      );
      started.push(app);
      services[service.name] = {
        name: service.name,
        url: `http://127.0.0.1:${service.port}`,
        port: service.port,
        database: service.database,
        app,
      };
    }
    const gatewayPort = await freePort();
    const gateway = startApp(
      localStack.gateway.name,
      gatewayEnvironment({
        PORT: String(gatewayPort),
        REDIS_URL: testInfrastructure.redisUrl,
        GATEWAY_UPSTREAM_HOST_OVERRIDE: planned
          .map((service) => `${service.name}=127.0.0.1:${service.port}`)
          .join(','),
        GATEWAY_JWKS_URL: jwksUrl,
        DECK_CARELOOP_JWT_ISSUER: stackIssuer,
        GATEWAY_RATE_LIMIT_KEY_PREFIX: `careloop:test:${uniqueSuffix()}`,
        ...options.environment?.['gateway'],
      }),
      logDirectory,
      options.nodeArguments?.['gateway'],
    );
    started.push(gateway);

    const readiness = await Promise.all([
      ...Object.values(services).map(async (service) => ({
        name: service.name,
        ready: await waitUntilReady(`${service.url}/health/ready`, 120_000, service.app.exited),
      })),
      (async () => ({
        name: 'gateway',
        ready: await waitUntilReady(
          `http://127.0.0.1:${gatewayPort}/health/ready`,
          120_000,
          gateway.exited,
        ),
      }))(),
    ]);
    const notReady = readiness.filter((result) => !result.ready).map((result) => result.name);
    if (notReady.length > 0) {
      throw new Error(`not ready: ${notReady.join(', ')}; logs in ${logDirectory}`);
    }
    return {
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      services,
      topicPrefix,
      logDirectory,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
