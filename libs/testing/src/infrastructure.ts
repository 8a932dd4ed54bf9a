import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

/** Addresses of the shared local infrastructure brought up by `npm run infra:up`. */
export const testInfrastructure = {
  adminDatabaseUrl:
    process.env['CARELOOP_TEST_ADMIN_DATABASE_URL'] ??
    'postgres://careloop_admin:careloop_admin@127.0.0.1:5432/postgres',
  redisUrl: process.env['CARELOOP_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: process.env['CARELOOP_TEST_KAFKA_BROKERS'] ?? '127.0.0.1:9092',
};

export function newUuid(): string {
  return randomUUID();
}

/** A short unique name part, safe for database and topic names. */
export function uniqueSuffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A throwaway database on the shared Postgres, owned by a throwaway login role (not a superuser,
 * so row-level security applies to it as it does to a service's role).
 */
export async function createTestDatabase(purpose: string): Promise<TestDatabase> {
  const name = `test_${purpose.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: testInfrastructure.adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${name}'`);
    await admin.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
  } finally {
    await admin.end();
  }
  const base = new URL(testInfrastructure.adminDatabaseUrl);
  const url = `postgres://${name}:${name}@${base.host}/${name}`;
  return {
    name,
    url,
    async drop() {
      const cleanup = new Client({ connectionString: testInfrastructure.adminDatabaseUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await cleanup.query(`DROP ROLE IF EXISTS "${name}"`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function testKafka(clientId = 'careloop-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: testInfrastructure.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
}

/**
 * Creates `<prefix><topic>` and its `.dlq` for each topic, so a test owns its topics on the shared
 * broker (auto-creation is off, as in production).
 */
export async function createTestTopics(
  prefix: string,
  topics: readonly string[],
  partitions = 3,
): Promise<void> {
  const admin = testKafka('careloop-test-admin').admin();
  await admin.connect();
  try {
    const names = topics.flatMap((topic) => [`${prefix}${topic}`, `${prefix}${topic}.dlq`]);
    // kafkajs's own `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
    // answers until the new topics reach its metadata cache; wait for their leaders here instead.
    await admin.createTopics({
      waitForLeaders: false,
      topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
    await waitForTopicLeaders(admin, names, partitions);
  } finally {
    await admin.disconnect();
  }
}

async function waitForTopicLeaders(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await admin.fetchTopicMetadata({ topics: [...topics] }).then(
      (metadata) =>
        metadata.topics.length === topics.length &&
        metadata.topics.every(
          (topic) =>
            topic.partitions.length === partitions &&
            topic.partitions.every((partition) => partition.leader >= 0),
        ),
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`topics without leaders after 30 s: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `<letters><uniqueSuffix()>.`: the prefix of every topic a test or benchmark creates for itself. */
export function isThrowawayTopic(topic: string): boolean {
  return /^[a-z]{1,8}[0-9a-f]{12}\./.test(topic);
}

/**
 * Deletes every throwaway topic left on the shared broker (by tests that crashed or never cleaned
 * up), so a benchmark meets the broker as a deployment has it. Thousands of leftover partitions made
 * the broker's periodic checkpoints here take a whole core for most of a second every ~12 s. Only
 * when no test is running: their topics are throwaway too. Returns how many topics it deleted.
 */
export async function pruneThrowawayTopics(): Promise<number> {
  const admin = testKafka('careloop-test-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(isThrowawayTopic);
    // A few hundred per request keeps each request well inside the broker's timeout.
    for (let start = 0; start < topics.length; start += 500)
      await admin.deleteTopics({ topics: topics.slice(start, start + 500), timeout: 60_000 });
    return topics.length;
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTestTopics(prefix: string): Promise<void> {
  const admin = testKafka('careloop-test-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The environment every service started by a test shares: loopback, its own database, the shared
 * Redis and Kafka under the test's topic prefix, and a short session timeout and commit interval so
 * tests that stop consumers do not wait on Kafka's defaults.
 */
export function testServiceEnvironment(options: {
  port: number;
  databaseUrl: string;
  topicPrefix: string;
}): Record<string, string> {
  return {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: testInfrastructure.redisUrl,
    KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: options.topicPrefix,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_COMMIT_INTERVAL_MS: '200',
  };
}
