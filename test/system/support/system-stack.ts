import { join } from 'node:path';
import { ALL_EVENT_TYPES } from '@careloop/contracts';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  createTestTopics,
  freePort,
  testInfrastructure,
  uniqueSuffix,
} from '@careloop/testing';
import type { Environment, RunningApp } from '../../../scripts/local-stack';
import {
  repositoryRoot,
  serviceEnvironment,
  startApp,
  stopApp,
  waitUntilReady,
} from '../../../scripts/local-stack';

export const systemLogDirectory = join(repositoryRoot, '.cache/test-logs');

export { freePort };

/** Topics of every event type (and their DLQs) under a fresh prefix: this test's own bus. */
export async function isolatedBus(partitions = 3): Promise<string> {
  const prefix = `sys${uniqueSuffix()}.`;
  await createTestTopics(prefix, ALL_EVENT_TYPES, partitions);
  return prefix;
}

export interface ServiceUnderTest {
  app: RunningApp;
  url: string;
  environment: Environment;
}

/** Runs a real service process against its own throwaway database and the test's topics. */
export async function startService(
  name: string,
  options: { database: TestDatabase; topicPrefix: string; environment?: Environment },
): Promise<ServiceUnderTest> {
  const port = await freePort();
  // The defaults `npm start` gives each service (its local-only keys among them), then this test's own.
  const environment: Environment = serviceEnvironment(
    { name, port, database: options.database.name },
    {
      DATABASE_URL: options.database.url,
      REDIS_URL: testInfrastructure.redisUrl,
      KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: options.topicPrefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...options.environment,
    },
  );
  const app = startApp(name, environment, join(systemLogDirectory, options.topicPrefix));
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitUntilReady(`${url}/health/live`, 60_000, app.exited))) {
    await stopApp(app);
    throw new Error(`${name} did not start; see ${app.logPath}`);
  }
  return { app, url, environment };
}

export async function restartService(
  name: string,
  previous: ServiceUnderTest,
): Promise<ServiceUnderTest> {
  const app = startApp(
    name,
    previous.environment,
    join(systemLogDirectory, previous.environment['KAFKA_TOPIC_PREFIX'] ?? ''),
  );
  if (!(await waitUntilReady(`${previous.url}/health/live`, 60_000, app.exited))) {
    throw new Error(`${name} did not restart; see ${app.logPath}`);
  }
  return { ...previous, app };
}

/** Reads one counter or gauge from a service's /metrics, summing the series that match the labels. */
export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{.*\})? ([0-9.eE+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => series.includes(`${key}="${value}"`)))
      total += Number(match[3]);
  }
  return total;
}

export { createTestDatabase };
