import { join } from 'node:path';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  freePort,
  startApp,
  stopApp,
  waitUntilReady,
  testServiceEnvironment,
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
      ...testServiceEnvironment({ port: port, databaseUrl: database.url, topicPrefix }),
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
