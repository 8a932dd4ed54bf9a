import { randomBytes } from 'node:crypto';
import type { CloudEvent } from '@careloop/contracts';
import { ALL_EVENT_TYPES } from '@careloop/contracts';
import { TENANT_SETTING } from '@careloop/persistence';
import type { RunningService } from '@careloop/runtime';
import { bootstrapService } from '@careloop/runtime';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  freePort,
  TestTokenIssuer,
  testKafka,
  uniqueSuffix,
  testServiceEnvironment,
} from '@careloop/testing';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { feedbackService } from '../../src/feedback-service.definition';

const key = (): string => randomBytes(32).toString('base64');

export interface HttpResult {
  status: number;
  contentType: string;
  text: string;
  body: Record<string, unknown>;
}

/**
 * feedback-service in this test process against its own database and topic prefix, with a local
 * JWKS its access tokens are signed for, and a Kafka listener recording every event it publishes.
 */
export class IntakeTestStack {
  readonly published: CloudEvent<Record<string, unknown>>[] = [];

  private constructor(
    readonly database: TestDatabase,
    readonly topicPrefix: string,
    private readonly service: RunningService,
    private readonly issuer: TestTokenIssuer,
    private readonly listener: Consumer,
  ) {}

  static async start(): Promise<IntakeTestStack> {
    const database = await createTestDatabase('feedback_intake');
    const topicPrefix = `fi${uniqueSuffix()}.`;
    await createTestTopics(topicPrefix, ALL_EVENT_TYPES, 1);

    const issuer = await TestTokenIssuer.start();

    Object.assign(process.env, {
      ...testServiceEnvironment({ port: await freePort(), databaseUrl: database.url, topicPrefix }),
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      LOG_LEVEL: 'warn',
      // Read by the service's other features once they are registered; harmless for the intake.
      PII_ENCRYPTION_KEYS: `k1:${key()}`,
      PII_ACTIVE_KEY_ID: 'k1',
      PII_BLIND_INDEX_KEY: key(),
      RESPONDENT_TOKEN_KEYS: `t1:${key()}`,
      RESPONDENT_TOKEN_ACTIVE_KEY_ID: 't1',
      PUBLIC_WEB_URL: 'http://careloop.test',
    });
    const service = await bootstrapService(feedbackService);

    const listener = testKafka(`intake-spec-${uniqueSuffix()}`).consumer({
      groupId: `intake-spec-${uniqueSuffix()}`,
    });
    await listener.connect();
    await listener.subscribe({
      topics: [`${topicPrefix}appointment.completed`, `${topicPrefix}audit.logged`],
      fromBeginning: true,
    });
    const stack = new IntakeTestStack(database, topicPrefix, service, issuer, listener);
    await listener.run({
      eachMessage: ({ message }) => {
        stack.published.push(
          JSON.parse(message.value?.toString() ?? '{}') as CloudEvent<Record<string, unknown>>,
        );
        return Promise.resolve();
      },
    });
    return stack;
  }

  get url(): string {
    return this.service.url;
  }

  async stop(): Promise<void> {
    await this.listener.disconnect();
    await this.service.app.close();
    await this.issuer.close();
    await this.database.drop();
    await deleteTestTopics(this.topicPrefix);
  }

  /** An integration client's token (client credentials) for one organization. */
  clientToken(org: string, scopes: string[] = ['appointments:write']): Promise<string> {
    return this.sign(
      { org, roles: [], scope: scopes.join(' '), client_id: 'clinic-his' },
      'clinic-his',
    );
  }

  userToken(org: string, roles: string[]): Promise<string> {
    return this.sign({ org, roles }, 'user-1');
  }

  private sign(payload: Record<string, unknown>, subject: string): Promise<string> {
    return this.issuer.sign(subject, payload);
  }

  eventsOf(type: string, orgId: string): CloudEvent<Record<string, unknown>>[] {
    return this.published.filter((event) => event.type === type && event.orgid === orgId);
  }

  async post(
    path: string,
    options: { token?: string; body: unknown; contentType?: string; accept?: string },
  ): Promise<HttpResult> {
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/json',
    };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.accept) headers['accept'] = options.accept;
    const response = await fetch(this.url + path, {
      method: 'POST',
      headers,
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: Record<string, unknown> = {};
    if (contentType.includes('json') && text) body = JSON.parse(text) as Record<string, unknown>;
    return { status: response.status, contentType, text, body };
  }

  /**
   * SQL as the service's own role (not a superuser, so row-level security applies); with `orgId`,
   * in a transaction bound to that organization as the service binds its own.
   */
  async sql<T>(text: string, parameters: unknown[] = [], orgId?: string): Promise<T[]> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      if (orgId === undefined) return (await client.query(text, parameters)).rows as T[];
      await client.query('BEGIN');
      await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [orgId]);
      const rows = (await client.query(text, parameters)).rows as T[];
      await client.query('COMMIT');
      return rows;
    } finally {
      await client.end();
    }
  }
}
