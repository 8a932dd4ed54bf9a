import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type {
  AppointmentCompletedV1,
  CloudEvent,
  EventPayloadMap,
  EventType,
  OrgSettingsV1,
  SurveyPublishedV1,
} from '@careloop/contracts';
import { ALL_EVENT_TYPES, buildEvent } from '@careloop/contracts';
import type { TestDatabase } from '@careloop/testing';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  freePort,
  newUuid,
  startApp,
  stopApp,
  testInfrastructure,
  testKafka,
  uniqueSuffix,
  waitFor,
  waitUntilReady,
  testServiceEnvironment,
} from '@careloop/testing';
import Redis from 'ioredis';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { RespondentTokens } from '../../src/respondent/respondent-token';

const key = (): string => randomBytes(32).toString('base64');
const repositoryRoot = join(__dirname, '../../../..');

/**
 * The service as its own process, as `npm start` runs it (SWC on the fly): Swagger's static assets
 * pull ESM-only packages that Jest's CommonJS runtime cannot load.
 */
async function startServiceProcess(
  url: string,
  environment: Record<string, string>,
  logFolder: string,
): Promise<{ stop: () => Promise<void> }> {
  const app = startApp(
    'feedback-service',
    environment,
    join(repositoryRoot, '.cache/test-logs', logFolder),
  );
  const stop = () => stopApp(app);
  if (await waitUntilReady(`${url}/health/ready`, 60_000, app.exited)) return { stop };
  await stop();
  throw new Error(`feedback-service did not start; see ${app.logPath}`);
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A survey with logic, two languages, a required NPS, a 1-5 rating and a conditional question. */
export function clinicSurveyDefinition(): Record<string, unknown> {
  return {
    title: { default: 'After your visit', fr: 'Après votre visite' },
    pages: [
      {
        name: 'main',
        elements: [
          {
            type: 'rating',
            name: 'nps',
            rateMin: 0,
            rateMax: 10,
            isRequired: true,
            title: { default: 'Would you recommend us?', fr: 'Nous recommanderiez-vous ?' },
          },
          {
            type: 'rating',
            name: 'csat',
            title: { default: 'How satisfied are you?', fr: 'Êtes-vous satisfait ?' },
          },
          {
            type: 'radiogroup',
            name: 'reason',
            isRequired: true,
            visibleIf: '{nps} <= 6',
            title: { default: 'What went wrong?', fr: "Qu'est-ce qui n'a pas été ?" },
            choices: ['wait', 'staff'],
          },
          { type: 'comment', name: 'comment', title: 'Anything else?' },
        ],
      },
    ],
  };
}

/**
 * feedback-service in this test process against its own database, topic prefix and Redis key
 * prefix, with a producer standing in for survey-service, user-org-service and clinics, and a
 * listener recording what the service publishes. `restart()` keeps database, topics and Redis.
 */
export class SessionsTestStack {
  readonly published: CloudEvent<Record<string, unknown>>[] = [];
  readonly tokenKeys = `t1:${key()}`;
  readonly redisKeyPrefix = `fbspec${uniqueSuffix()}:`;
  private service: { stop: () => Promise<void> } | undefined;
  readonly url: string;
  private readonly environment: Record<string, string>;

  private constructor(
    readonly database: TestDatabase,
    readonly topicPrefix: string,
    private readonly producer: Producer,
    private readonly listener: Consumer,
    readonly redis: Redis,
    port: number,
    overrides: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.environment = {
      ...testServiceEnvironment({ port: port, databaseUrl: database.url, topicPrefix }),
      // Nothing here calls staff routes; the JWKS is never fetched.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      AUTH_ISSUER: 'http://careloop.test/api/auth',
      LOG_LEVEL: 'warn',
      PII_ENCRYPTION_KEYS: `k1:${key()}`,
      PII_ACTIVE_KEY_ID: 'k1',
      PII_BLIND_INDEX_KEY: key(),
      RESPONDENT_TOKEN_KEYS: this.tokenKeys,
      RESPONDENT_TOKEN_ACTIVE_KEY_ID: 't1',
      PUBLIC_WEB_URL: 'http://careloop.test',
      FEEDBACK_REDIS_KEY_PREFIX: this.redisKeyPrefix,
      DRAFT_SYNC_INTERVAL_MS: '300',
      SESSION_EXPIRY_SWEEP_INTERVAL_MS: '300',
      ...overrides,
    };
  }

  static async start(overrides: Record<string, string> = {}): Promise<SessionsTestStack> {
    const database = await createTestDatabase('feedback_sessions');
    const topicPrefix = `fs${uniqueSuffix()}.`;
    await createTestTopics(topicPrefix, ALL_EVENT_TYPES, 1);
    const kafka = testKafka(`sessions-spec-${uniqueSuffix()}`);
    const producer = kafka.producer();
    await producer.connect();
    const listener = kafka.consumer({ groupId: `sessions-spec-${uniqueSuffix()}` });
    await listener.connect();
    await listener.subscribe({
      topics: [
        'feedback.session.created',
        'feedback.session.skipped',
        'feedback.session.expired',
        'survey.response.submitted',
        'audit.logged',
      ].map((type) => topicPrefix + type),
      fromBeginning: true,
    });
    const stack = new SessionsTestStack(
      database,
      topicPrefix,
      producer,
      listener,
      new Redis(testInfrastructure.redisUrl),
      await freePort(),
      overrides,
    );
    await listener.run({
      eachMessage: ({ message }) => {
        stack.published.push(
          JSON.parse(message.value?.toString() ?? '{}') as CloudEvent<Record<string, unknown>>,
        );
        return Promise.resolve();
      },
    });
    await stack.boot();
    return stack;
  }

  private async boot(): Promise<void> {
    this.service = await startServiceProcess(this.url, this.environment, this.topicPrefix);
  }

  /** Stops the service as a deployment would (SIGTERM: the draft sync drains) and starts it again. */
  async restart(): Promise<void> {
    await this.service?.stop();
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.listener.disconnect();
    await this.producer.disconnect();
    await this.service?.stop();
    await this.forgetRedis();
    this.redis.disconnect();
    await this.database.drop();
    await deleteTestTopics(this.topicPrefix);
  }

  /** Every Redis key of this service instance gone: what a Redis loss looks like to it. */
  async forgetRedis(): Promise<number> {
    const keys = await this.redis.keys(`${this.redisKeyPrefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
    return keys.length;
  }

  tokens(): RespondentTokens {
    return RespondentTokens.fromConfiguration(this.tokenKeys, 't1');
  }

  async publish<K extends EventType>(
    type: K,
    data: EventPayloadMap[K],
    options: { orgId: string; subject: string; id?: string },
  ): Promise<CloudEvent<EventPayloadMap[K]>> {
    const event = buildEvent(type, {
      source: '/careloop/spec',
      data,
      orgId: options.orgId,
      subject: options.subject,
      ...(options.id ? { id: options.id } : {}),
    });
    await this.producer.send({
      topic: this.topicPrefix + type,
      messages: [{ key: options.subject, value: JSON.stringify(event) }],
    });
    return event;
  }

  /** An organization with these settings, applied by the service before this resolves. */
  async organization(settings: Partial<OrgSettingsV1> = {}): Promise<string> {
    const orgId = newUuid();
    await this.publish(
      'org.created',
      {
        orgId,
        name: 'Clinique du Parc',
        settings: {
          timezone: 'Europe/Zurich',
          defaultLanguage: 'en',
          languages: ['en', 'fr'],
          invitationDelayMinutes: 120,
          quietHours: { start: '00:00', end: '00:00' },
          reminder: { enabled: false, afterHours: 24 },
          sessionLifetimeHours: 72,
          enabledChannels: ['email', 'sms'],
          resurveySuppressionDays: 0,
          branding: { primaryColor: '#0b6e4f' },
          alertRecipients: [],
          mfaRequired: false,
          ...settings,
        },
        createdAt: new Date().toISOString(),
      },
      { orgId, subject: orgId },
    );
    await waitFor(
      () => this.sql('SELECT 1 FROM org_settings WHERE org_id = $1', [orgId], orgId),
      (rows) => rows.length === 1,
      { description: `settings of ${orgId}`, timeoutMs: 30_000 },
    );
    return orgId;
  }

  /** Publishes a survey version with one rule and waits until the service holds it. */
  async publishSurvey(
    orgId: string,
    overrides: Partial<SurveyPublishedV1> = {},
  ): Promise<SurveyPublishedV1> {
    const data: SurveyPublishedV1 = {
      surveyId: newUuid(),
      orgId,
      version: 1,
      title: 'After your visit',
      defaultLanguage: 'en',
      languages: ['en', 'fr'],
      definition: clinicSurveyDefinition(),
      questions: [{ questionId: 'nps', kind: 'nps', title: 'Would you recommend us?' }],
      distributionRules: [
        {
          ruleId: newUuid(),
          priority: 10,
          match: {},
          samplingPercent: 100,
          channels: ['email', 'sms'],
        },
      ],
      publishedBy: newUuid(),
      publishedAt: new Date().toISOString(),
      ...overrides,
    };
    await this.publish('survey.published', data, { orgId, subject: data.surveyId });
    await waitFor(
      () =>
        this.sql(
          'SELECT 1 FROM survey_version WHERE survey_id = $1 AND version = $2',
          [data.surveyId, data.version],
          orgId,
        ),
      (rows) => rows.length === 1,
      { description: `survey ${data.surveyId}`, timeoutMs: 30_000 },
    );
    return data;
  }

  appointment(
    orgId: string,
    overrides: Partial<AppointmentCompletedV1> = {},
  ): AppointmentCompletedV1 {
    return {
      externalAppointmentId: `apt-${uniqueSuffix()}`,
      orgId,
      patient: {
        externalId: `mrn-${uniqueSuffix()}`,
        name: 'Zoë Müller',
        email: `zoe.${uniqueSuffix()}@example.org`,
        phone: '+41791234567',
        language: 'fr',
      },
      appointment: {
        type: 'consultation',
        department: 'cardiology',
        site: 'geneva',
        provider: 'dr-favre',
        endedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      },
      ...overrides,
    };
  }

  async completeAppointment(
    appointment: AppointmentCompletedV1,
    id?: string,
  ): Promise<CloudEvent<AppointmentCompletedV1>> {
    return this.publish('appointment.completed', appointment, {
      orgId: appointment.orgId,
      subject: appointment.externalAppointmentId,
      ...(id ? { id } : {}),
    });
  }

  /** The session event (created or skipped) published for an appointment. */
  async sessionEventFor(
    externalAppointmentId: string,
    count = 1,
  ): Promise<CloudEvent<Record<string, unknown>>[]> {
    return waitFor(
      () =>
        Promise.resolve(
          this.published.filter(
            (event) =>
              event.type.startsWith('feedback.session.') &&
              event.data['externalAppointmentId'] === externalAppointmentId,
          ),
        ),
      (events) => events.length >= count,
      { description: `session events of ${externalAppointmentId}`, timeoutMs: 30_000 },
    );
  }

  /** Opens a session and returns its respondent token (taken from the invitation event). */
  async openSession(
    orgId: string,
    appointment = this.appointment(orgId),
  ): Promise<{ token: string; sessionId: string; appointment: AppointmentCompletedV1 }> {
    await this.completeAppointment(appointment);
    const [event] = await this.sessionEventFor(appointment.externalAppointmentId);
    if (event?.type !== 'feedback.session.created') {
      throw new Error(`expected a session, got ${JSON.stringify(event)}`);
    }
    const url = String(event.data['respondentUrl']);
    return {
      token: url.slice(url.lastIndexOf('/') + 1),
      sessionId: String(event.data['sessionId']),
      appointment,
    };
  }

  async http<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<HttpResult<T>> {
    const response = await fetch(this.url + path, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }
        : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** SQL as the service's own role, bound to one org (row-level security applies). */
  async sql<T = Record<string, unknown>>(
    text: string,
    parameters: unknown[],
    orgId: string,
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
      const result = await client.query(text, parameters);
      await client.query('COMMIT');
      return result.rows as T[];
    } finally {
      await client.end();
    }
  }
}
