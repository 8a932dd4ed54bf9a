import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent, EventType } from '@careloop/contracts';
import type { RunningService } from '@careloop/runtime';
import { bootstrapService } from '@careloop/runtime';
import { jose } from '@careloop/security';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  testInfrastructure,
  testKafka,
  uniqueSuffix,
} from '@careloop/testing';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { surveyService } from '../../src/survey-service.definition';

const issuer = 'http://careloop.test/api/auth';
const audience = 'careloop-api';
const producedTopics: EventType[] = ['survey.published', 'survey.archived', 'audit.logged'];

type SigningKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/**
 * survey-service in this test process against its own database and topic prefix, a local JWKS
 * its tokens are signed for, a Kafka listener recording what it emits, and as many instances as
 * a test asks for (sharing the database and Redis, as replicas do).
 */
export class SurveyTestStack {
  readonly published = new Map<string, CloudEvent<unknown>[]>();
  private readonly instances: RunningService[] = [];

  private constructor(
    readonly database: TestDatabase,
    readonly topicPrefix: string,
    private readonly jwks: Server,
    private readonly privateKey: SigningKey,
    private readonly listener: Consumer,
  ) {}

  static async start(instanceCount = 1): Promise<SurveyTestStack> {
    const database = await createTestDatabase('survey');
    const topicPrefix = `sv${uniqueSuffix()}.`;
    await createTestTopics(topicPrefix, producedTopics, 1);

    const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksPort = (jwks.address() as AddressInfo).port;

    const listener = testKafka(`survey-spec-${uniqueSuffix()}`).consumer({
      groupId: `survey-spec-${uniqueSuffix()}`,
    });
    const stack = new SurveyTestStack(database, topicPrefix, jwks, privateKey, listener);
    for (let index = 0; index < instanceCount; index += 1) {
      Object.assign(process.env, {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        REDIS_URL: testInfrastructure.redisUrl,
        KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_COMMIT_INTERVAL_MS: '200',
        AUTH_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks.json`,
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: audience,
        LOG_LEVEL: 'warn',
      });
      stack.instances.push(await bootstrapService(surveyService));
    }

    await listener.connect();
    await listener.subscribe({
      topics: producedTopics.map((type) => topicPrefix + type),
      fromBeginning: true,
    });
    await listener.run({
      eachMessage: ({ topic, message }) => {
        const type = topic.slice(topicPrefix.length);
        const event = JSON.parse(message.value?.toString() ?? '{}') as CloudEvent<unknown>;
        stack.published.set(type, [...(stack.published.get(type) ?? []), event]);
        return Promise.resolve();
      },
    });
    return stack;
  }

  urlOf(instance = 0): string {
    const running = this.instances[instance];
    if (!running) throw new Error(`no instance ${instance}`);
    return running.url;
  }

  async stop(): Promise<void> {
    await this.listener.disconnect();
    for (const instance of this.instances) await instance.app.close();
    await new Promise<void>((resolve) => this.jwks.close(() => resolve()));
    await this.database.drop();
    await deleteTestTopics(this.topicPrefix);
  }

  tokenFor(claims: { sub: string; org?: string; roles?: string[] }): Promise<string> {
    const payload: Record<string, unknown> = { roles: claims.roles ?? [] };
    if (claims.org !== undefined) payload['org'] = claims.org;
    return new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject(claims.sub)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.privateKey);
  }

  eventsOf<T>(type: EventType): CloudEvent<T>[] {
    return (this.published.get(type) ?? []) as CloudEvent<T>[];
  }

  async http<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; instance?: number } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const body =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.urlOf(options.instance) + path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** SQL as the service's own role (not a superuser, so row-level security applies). */
  async sql<T = Record<string, unknown>>(text: string, parameters: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await client.query(text, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }
}
