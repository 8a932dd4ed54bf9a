import { join } from 'node:path';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  freePort,
  startApp,
  stopApp,
  testInfrastructure,
  waitUntilReady,
} from '@careloop/testing';

const repositoryRoot = join(__dirname, '../../../..');

export interface PeerService {
  url: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * Another service of the mesh (e.g. analytics-service) as its own process, as `npm start` runs it,
 * on its own throwaway database and a free port, sharing the test's topic prefix.
 */
export async function startPeerService(name: string, topicPrefix: string): Promise<PeerService> {
  const database = await createTestDatabase(name.replace(/-service$/, '').replace(/-/g, '_'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = startApp(
    name,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: testInfrastructure.redisUrl,
      KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_COMMIT_INTERVAL_MS: '200',
      // No staff route is called; the JWKS is never fetched.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      AUTH_ISSUER: 'http://careloop.test/api/auth',
      LOG_LEVEL: 'warn',
    },
    join(repositoryRoot, '.cache/test-logs', topicPrefix),
  );
  const stop = async () => {
    await stopApp(app);
    await database.drop();
  };
  if (await waitUntilReady(`${url}/health/ready`, 60_000, app.exited))
    return { url, database, stop };
  await stop();
  throw new Error(`${name} did not start; see ${app.logPath}`);
}
