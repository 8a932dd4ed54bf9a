import type { CloudEvent } from '@careloop/contracts';
import { TestTokenIssuer, testKafka, uniqueSuffix, waitFor } from '@careloop/testing';
import type { Consumer } from 'kafkajs';
import { SessionsTestStack } from './sessions-test-stack';

export interface StaffHttpResult<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  text: string;
  body: T;
}

/**
 * The sessions stack (feedback-service as its own process, a producer standing in for the other
 * services) plus what staff routes need: a local JWKS the service trusts, RS256 staff tokens, and
 * a listener on the events staff features publish.
 */
export class StaffTestStack {
  readonly published: CloudEvent<Record<string, unknown>>[] = [];

  private constructor(
    readonly sessions: SessionsTestStack,
    private readonly issuer: TestTokenIssuer,
    private readonly listener: Consumer,
  ) {}

  static async start(
    topics: readonly string[],
    overrides: Record<string, string> = {},
  ): Promise<StaffTestStack> {
    const issuer = await TestTokenIssuer.start();
    const sessions = await SessionsTestStack.start({
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      ...overrides,
    });
    const listener = testKafka(`staff-spec-${uniqueSuffix()}`).consumer({
      groupId: `staff-spec-${uniqueSuffix()}`,
    });
    await listener.connect();
    await listener.subscribe({
      topics: topics.map((type) => sessions.topicPrefix + type),
      fromBeginning: true,
    });
    const stack = new StaffTestStack(sessions, issuer, listener);
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

  async stop(): Promise<void> {
    await this.listener.disconnect();
    await this.sessions.stop();
    await this.issuer.close();
  }

  /** A staff member's access token in one organization. */
  token(
    orgId: string,
    roles: string[],
    userId = '5b0c8a8e-3f5e-4f1a-9a51-1d4c2e6b7a90',
  ): Promise<string> {
    return this.issuer.sign(userId, { org: orgId, roles });
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<StaffHttpResult<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.sessions.url + path, {
      method,
      headers,
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const body = (contentType.includes('json') && text ? JSON.parse(text) : {}) as T;
    return { status: response.status, contentType, text, body };
  }

  eventsOf(type: string, orgId: string): CloudEvent<Record<string, unknown>>[] {
    return this.published.filter((event) => event.type === type && event.orgid === orgId);
  }

  /** Waits until `count` events of a type matching `predicate` were published for the org. */
  awaitEvents(
    type: string,
    orgId: string,
    predicate: (event: CloudEvent<Record<string, unknown>>) => boolean = () => true,
    count = 1,
  ): Promise<CloudEvent<Record<string, unknown>>[]> {
    return waitFor(
      () => Promise.resolve(this.eventsOf(type, orgId).filter(predicate)),
      (events) => events.length >= count,
      { description: `${count} ${type} of ${orgId}`, timeoutMs: 30_000 },
    );
  }
}
