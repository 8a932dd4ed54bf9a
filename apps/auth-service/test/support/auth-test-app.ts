import { randomBytes } from 'node:crypto';
import type { EventPayloadMap, EventType, OrgSettingsV1 } from '@careloop/contracts';
import { ALL_EVENT_TYPES, buildEvent, encodeEvent } from '@careloop/contracts';
import { join } from 'node:path';
import type { RunningApp, TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  freePort,
  createTestTopics,
  deleteTestTopics,
  startApp,
  stopApp,
  testKafka,
  uniqueSuffix,
  waitUntilReady,
  testServiceEnvironment,
} from '@careloop/testing';

const repositoryRoot = join(__dirname, '../../../..');

export interface AuthTestApp {
  process: RunningApp;
  url: string;
  database: TestDatabase;
  topicPrefix: string;
  issuer: string;
  audience: string;
  close(): Promise<void>;
}

/**
 * auth-service as a real process (as `npm start` runs it) on a free port, with its own database,
 * topic prefix and key-encryption key: isolated from every other test file running in parallel.
 * A process rather than in Jest: the service's ES-module dependencies load in Node, not in Jest.
 */
export async function startAuthService(
  overrides: Record<string, string> = {},
): Promise<AuthTestApp> {
  const database = await createTestDatabase('auth');
  const topicPrefix = `auth${uniqueSuffix()}.`;
  await createTestTopics(topicPrefix, ALL_EVENT_TYPES, 1);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/api/auth`;
  const environment: Record<string, string> = {
    ...testServiceEnvironment({ port: port, databaseUrl: database.url, topicPrefix }),
    AUTH_JWKS_URL: `${issuer}/.well-known/jwks.json`,
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: 'careloop-api',
    AUTH_KEY_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    AUTH_KEY_ENCRYPTION_ACTIVE_KEY_ID: 'test1',
    // Failure counters per test service: another suite's failed logins from 127.0.0.1 must not block this one's.
    AUTH_REDIS_KEY_PREFIX: `auth-test:${uniqueSuffix()}`,
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const url = `http://127.0.0.1:${port}`;
  const logDirectory = join(repositoryRoot, '.cache/test-logs', topicPrefix);
  // Compiled on the fly by SWC, as `npm start` runs it.
  const running = startApp('auth-service', environment, logDirectory);
  if (!(await waitUntilReady(`${url}/health/live`, 150_000, running.exited))) {
    await stopApp(running);
    throw new Error(`auth-service did not start; see ${running.logPath}`);
  }
  return {
    process: running,
    url,
    database,
    topicPrefix,
    issuer,
    audience: 'careloop-api',
    async close() {
      await stopApp(running);
      await database.drop();
      await deleteTestTopics(topicPrefix).catch(() => undefined);
    },
  };
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined && typeof body !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as T,
    headers: response.headers,
  };
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  userId: string;
  orgId: string | null;
}

export function uniqueEmail(label: string): string {
  return `${label}-${uniqueSuffix()}@clinic.example`;
}

export const goodPassword = 'violet-harbour-lantern-42';

/** Publishes events as user-org-service would: CloudEvents on this test's prefixed topics. */
export async function publishEvents<K extends EventType>(
  topicPrefix: string,
  type: K,
  payloads: EventPayloadMap[K][],
): Promise<void> {
  const producer = testKafka('auth-test-producer').producer();
  await producer.connect();
  try {
    await producer.send({
      topic: `${topicPrefix}${type}`,
      messages: payloads.map((data) => {
        const event = buildEvent(type, { source: '/careloop/user-org-service', data });
        return { key: event.subject, value: encodeEvent(event) };
      }),
    });
  } finally {
    await producer.disconnect();
  }
}

export function orgSettings(mfaRequired: boolean): OrgSettingsV1 {
  return {
    timezone: 'Europe/Paris',
    defaultLanguage: 'fr',
    languages: ['fr', 'en'],
    invitationDelayMinutes: 120,
    quietHours: { start: '21:00', end: '08:00' },
    reminder: { enabled: true, afterHours: 48 },
    sessionLifetimeHours: 168,
    enabledChannels: ['email'],
    resurveySuppressionDays: 30,
    branding: { primaryColor: '#0b6e4f' },
    alertRecipients: [],
    mfaRequired,
  };
}
