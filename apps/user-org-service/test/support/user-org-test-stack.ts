import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent, EventPayloadMap, EventType } from '@careloop/contracts';
import { buildEvent } from '@careloop/contracts';
import { jose } from '@careloop/security';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  newUuid,
  testKafka,
  uniqueSuffix,
  waitFor,
  testServiceEnvironment,
} from '@careloop/testing';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import type { ServiceProcess } from './service-process';
import { startServiceProcess } from './service-process';

const issuer = 'http://careloop.test/api/auth';
const audience = 'careloop-api';

/** The events this service consumes and produces: the only topics a run needs. */
const topics: EventType[] = [
  'identity.registered',
  'audit.logged',
  'org.created',
  'org.settings.updated',
  'org.membership.granted',
  'org.membership.revoked',
  'org.invitation.created',
];
const producedTopics: EventType[] = topics.filter((type) => type !== 'identity.registered');

type SigningKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface TokenClaims {
  sub: string;
  org?: string;
  roles?: string[];
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/**
 * user-org-service in this test process against its own database and topic prefix, with a local
 * JWKS its access tokens are signed for, and a Kafka listener that records every event it emits.
 */
export class UserOrgTestStack {
  readonly published = new Map<string, CloudEvent<unknown>[]>();

  private constructor(
    readonly database: TestDatabase,
    readonly topicPrefix: string,
    private readonly service: ServiceProcess,
    readonly url: string,
    private readonly jwks: Server,
    private readonly privateKey: SigningKey,
    private readonly producer: Producer,
    private readonly listener: Consumer,
  ) {}

  static async start(environment: Record<string, string> = {}): Promise<UserOrgTestStack> {
    const database = await createTestDatabase('user_org');
    const topicPrefix = `uo${uniqueSuffix()}.`;
    await createTestTopics(topicPrefix, topics, 1);

    const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksPort = (jwks.address() as AddressInfo).port;

    const port = await freePort();
    // A real process, as in production: Swagger's static assets pull ESM-only packages that
    // Jest's CommonJS runtime cannot load, so the service cannot run inside the test process.
    const service = await startServiceProcess(
      'user-org-service',
      `http://127.0.0.1:${port}`,
      {
        ...testServiceEnvironment({ port: port, databaseUrl: database.url, topicPrefix }),
        AUTH_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks.json`,
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: audience,
        LOG_LEVEL: 'info',
        PUBLIC_WEB_URL: 'http://careloop.test',
        ...environment,
      },
      topicPrefix,
    );
    const url = `http://127.0.0.1:${port}`;

    const kafka = testKafka(`user-org-spec-${uniqueSuffix()}`);
    const producer = kafka.producer();
    await producer.connect();
    const listener = kafka.consumer({ groupId: `user-org-spec-${uniqueSuffix()}` });
    await listener.connect();
    await listener.subscribe({
      topics: producedTopics.map((type) => topicPrefix + type),
      fromBeginning: true,
    });
    const stack = new UserOrgTestStack(
      database,
      topicPrefix,
      service,
      url,
      jwks,
      privateKey,
      producer,
      listener,
    );
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

  async stop(): Promise<void> {
    await this.listener.disconnect();
    await this.producer.disconnect();
    await this.service.stop();
    await new Promise<void>((resolve) => this.jwks.close(() => resolve()));
    await this.database.drop();
    await deleteTestTopics(this.topicPrefix);
  }

  tokenFor(claims: TokenClaims): Promise<string> {
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

  /** Publishes an event as its producer would; the returned event's id is what the inbox keys on. */
  async publish<K extends EventType>(
    type: K,
    data: EventPayloadMap[K],
    options: { id?: string; orgId?: string } = {},
  ): Promise<CloudEvent<EventPayloadMap[K]>> {
    const event = buildEvent(type, {
      source: '/careloop/spec',
      data,
      ...(options.id ? { id: options.id } : {}),
      ...(options.orgId ? { orgId: options.orgId } : {}),
    });
    await this.publishEvent(event);
    return event;
  }

  async publishEvent(event: CloudEvent<unknown>): Promise<void> {
    await this.producer.send({
      topic: this.topicPrefix + event.type,
      messages: [{ key: event.subject, value: JSON.stringify(event) }],
    });
  }

  /** Signs up a founder with a new organization and waits until the service has created it. */
  async createOrganization(
    name = 'Clinique du Parc',
  ): Promise<{ orgId: string; adminId: string; adminEmail: string; adminToken: string }> {
    const orgId = newUuid();
    const adminId = newUuid();
    const adminEmail = `founder-${uniqueSuffix()}@clinic.example.org`;
    await this.publish('identity.registered', {
      identityId: adminId,
      email: adminEmail,
      name: 'Founder',
      organization: { orgId, name },
      registeredAt: new Date().toISOString(),
    });
    const adminToken = await this.tokenFor({ sub: adminId, org: orgId, roles: ['org_admin'] });
    await waitFor(
      () => this.http('GET', `/api/orgs/${orgId}`, { token: adminToken }),
      (result) => result.status === 200,
      { description: `organization ${orgId}`, timeoutMs: 30_000 },
    );
    return { orgId, adminId, adminEmail, adminToken };
  }

  /** Makes an identity known to the service (as auth-service's signup event does) and waits for it. */
  async registerIdentity(email: string, name = 'Invitee'): Promise<string> {
    const identityId = newUuid();
    await this.publish('identity.registered', {
      identityId,
      email,
      name,
      registeredAt: new Date().toISOString(),
    });
    await waitFor(
      () =>
        this.sql((client) =>
          client.query('SELECT 1 FROM identities WHERE identity_id = $1', [identityId]),
        ),
      (rows) => rows.length === 1,
      { description: `identity ${email}`, timeoutMs: 30_000 },
    );
    return identityId;
  }

  eventsOf<T>(type: EventType): CloudEvent<T>[] {
    return (this.published.get(type) ?? []) as CloudEvent<T>[];
  }

  async http<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.url + path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** SQL as the service's own role (not a superuser, so row-level security applies). */
  async sql<T = Record<string, unknown>>(
    work: (client: Client) => Promise<{ rows: T[] }>,
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await work(client)).rows;
    } finally {
      await client.end();
    }
  }
}
