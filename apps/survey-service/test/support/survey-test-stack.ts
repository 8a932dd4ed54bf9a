import type { CloudEvent, EventType } from '@careloop/contracts';
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
import { surveyService } from '../../src/survey-service.definition';

const producedTopics: EventType[] = ['survey.published', 'survey.archived', 'audit.logged'];

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
    private readonly issuer: TestTokenIssuer,
    private readonly listener: Consumer,
  ) {}

  static async start(instanceCount = 1): Promise<SurveyTestStack> {
    const database = await createTestDatabase('survey');
    const topicPrefix = `sv${uniqueSuffix()}.`;
    await createTestTopics(topicPrefix, producedTopics, 1);

    const issuer = await TestTokenIssuer.start();

    const listener = testKafka(`survey-spec-${uniqueSuffix()}`).consumer({
      groupId: `survey-spec-${uniqueSuffix()}`,
    });
    const stack = new SurveyTestStack(database, topicPrefix, issuer, listener);
    for (let index = 0; index < instanceCount; index += 1) {
      Object.assign(process.env, {
        ...testServiceEnvironment({
          port: await freePort(),
          databaseUrl: database.url,
          topicPrefix,
        }),
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
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
    await this.issuer.close();
    await this.database.drop();
    await deleteTestTopics(this.topicPrefix);
  }

  tokenFor(claims: { sub: string; org?: string; roles?: string[] }): Promise<string> {
    const payload: Record<string, unknown> = { roles: claims.roles ?? [] };
    if (claims.org !== undefined) payload['org'] = claims.org;
    return this.issuer.sign(claims.sub, payload);
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
