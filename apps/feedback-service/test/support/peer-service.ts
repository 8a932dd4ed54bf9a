import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestDatabase } from '@careloop/testing';
import { createTestDatabase, testInfrastructure } from '@careloop/testing';

const repositoryRoot = join(__dirname, '../../../..');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

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
  const logDirectory = join(repositoryRoot, '.cache/test-logs', topicPrefix);
  mkdirSync(logDirectory, { recursive: true });
  const log = createWriteStream(join(logDirectory, `${name}.log`), { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(repositoryRoot, 'apps', name, 'src/main.ts')],
    {
      cwd: repositoryRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        TZ: 'UTC',
        SWC_NODE_PROJECT: join(repositoryRoot, 'tsconfig.json'),
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
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    }
    log.end();
    await database.drop();
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { url, database, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${name} did not start; see .cache/test-logs/${topicPrefix}`);
}
