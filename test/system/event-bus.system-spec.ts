import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { buildEvent, encodeEvent } from '@careloop/contracts';
import type { AppointmentCompletedV1 } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { createServiceDataSource } from '@careloop/persistence';
import type { TestDatabase } from '@careloop/testing';
import {
  deleteTestTopics,
  newUuid,
  testInfrastructure,
  testKafka,
  uniqueSuffix,
  waitFor,
} from '@careloop/testing';
import type { DataSource } from 'typeorm';
import { killApp, repositoryRoot, stopApp } from '../../scripts/local-stack';
import type { ServiceUnderTest } from './support/system-stack';
import {
  createTestDatabase,
  isolatedBus,
  metricValue,
  restartService,
  startService,
} from './support/system-stack';

jest.setTimeout(240_000);

/**
 * The event backbone between two real service processes: feedback-service's outbox, relayed by
 * feedback-service, consumed by analytics-service into its activity projection.
 */
describe('event backbone between real services', () => {
  const feedbackWriter = new OutboxWriter('/careloop/feedback-service');
  let topicPrefix: string;
  let feedbackDatabase: TestDatabase;
  let analyticsDatabase: TestDatabase;
  let feedback: ServiceUnderTest;
  let analytics: ServiceUnderTest;
  let feedbackData: DataSource;
  let analyticsAdmin: DataSource;

  beforeAll(async () => {
    [topicPrefix, feedbackDatabase, analyticsDatabase] = await Promise.all([
      isolatedBus(),
      createTestDatabase('feedback'),
      createTestDatabase('analytics'),
    ]);
    [feedback, analytics] = await Promise.all([
      startService('feedback-service', { database: feedbackDatabase, topicPrefix }),
      startService('analytics-service', {
        database: analyticsDatabase,
        topicPrefix,
        // Commits only every ten minutes, so a kill leaves every applied event uncommitted.
        environment: { KAFKA_COMMIT_INTERVAL_MS: '600000', KAFKA_COMMIT_THRESHOLD: '1000000' },
      }),
    ]);
    feedbackData = await createServiceDataSource({
      url: feedbackDatabase.url,
      applicationName: 'system-test',
    }).initialize();
    // The superuser sees every tenant's rows; the service's own role would need a tenant bound.
    const admin = new URL(testInfrastructure.adminDatabaseUrl);
    admin.pathname = `/${analyticsDatabase.name}`;
    analyticsAdmin = await createServiceDataSource({
      url: admin.toString(),
      applicationName: 'system-test',
    }).initialize();
  });

  afterAll(async () => {
    await Promise.all([stopApp(feedback.app), stopApp(analytics.app)]);
    await Promise.all([feedbackData?.destroy(), analyticsAdmin?.destroy()]);
    await Promise.all([feedbackDatabase.drop(), analyticsDatabase.drop()]);
    await deleteTestTopics(topicPrefix);
  });

  /** What feedback-service's intake does: its own row and the event, in one transaction. */
  async function completeAppointment(orgId: string): Promise<void> {
    const externalId = `APT-${uniqueSuffix()}`;
    const data = {
      externalAppointmentId: externalId,
      orgId,
      patient: { externalId: `MRN-${externalId}`, email: 'patient@example.org' },
      appointment: {
        startedAt: '2026-11-20T09:00:00Z',
        endedAt: '2026-11-20T09:30:00Z',
        timezone: 'Europe/London',
      },
    } as AppointmentCompletedV1;
    await feedbackData.transaction((manager) =>
      feedbackWriter.append(manager, 'appointment.completed', { subject: externalId, orgId, data }),
    );
  }

  const appliedCount = async (orgId: string): Promise<number> => {
    const [row] = await analyticsAdmin.query<[{ total: number }]>(
      `SELECT COALESCE(sum(event_count), 0)::int AS total FROM event_activity_daily WHERE org_id = $1 AND event_type = 'appointment.completed'`,
      [orgId],
    );
    return row.total;
  };
  const inboxCount = async () =>
    (await analyticsAdmin.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM inbox_message`))[0]
      .n;
  const caughtUp = () =>
    waitFor(
      () => metricValue(analytics.url, 'careloop_consumer_lag'),
      (lag) => lag === 0,
      { timeoutMs: 60_000, description: 'consumer lag 0' },
    );

  /** Offsets analytics-service has committed on the appointment topic: events Kafka will not resend. */
  const committedEvents = async (): Promise<number> => {
    const admin = testKafka('offset-reader').admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({
        groupId: `${topicPrefix}analytics-service`,
        topics: [`${topicPrefix}appointment.completed`],
      });
      return (topic?.partitions ?? []).reduce(
        (sum, partition) => sum + Math.max(0, Number(partition.offset)),
        0,
      );
    } finally {
      await admin.disconnect();
    }
  };

  it('should change the consumer state exactly once even when the consumer is killed after its effect and before its offset commit', async () => {
    const orgId = newUuid();
    const total = 1_000;
    const writing = (async () => {
      for (let index = 0; index < total; index++) await completeAppointment(orgId);
    })();

    await waitFor(
      () => appliedCount(orgId),
      (count) => count >= 100,
      { timeoutMs: 60_000, description: 'first effects' },
    );
    await killApp(analytics.app);
    const appliedAtKill = await appliedCount(orgId);
    // Its commit interval is ten minutes: every applied event is still uncommitted in Kafka.
    expect(await committedEvents()).toBe(0);
    await writing;

    analytics = await restartService('analytics-service', {
      ...analytics,
      environment: {
        ...analytics.environment,
        KAFKA_COMMIT_INTERVAL_MS: '1000',
        KAFKA_COMMIT_THRESHOLD: '200',
      },
    });
    await waitFor(
      () => appliedCount(orgId),
      (count) => count >= total,
      { timeoutMs: 90_000, description: 'all effects' },
    );
    await caughtUp();

    expect(await appliedCount(orgId)).toBe(total);
    // Kafka redelivered every applied event, and the inbox absorbed each one.
    expect(
      await metricValue(analytics.url, 'careloop_events_consumed_total', {
        topic: 'appointment.completed',
        outcome: 'duplicate',
      }),
    ).toBe(appliedAtKill);
    await waitFor(committedEvents, (committed) => committed === total, {
      description: 'offsets committed after the restart',
    });
  });

  it('should deliver every event written while Kafka was down for 30 s, once', async () => {
    const orgId = newUuid();
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await completeAppointment(orgId);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // Asynchronous: a synchronous exec froze this process for the seconds Kafka takes to stop, and
    // a Postgres connection the writer was opening meanwhile timed out when the loop woke up.
    const infra = (command: string) =>
      promisify(execFile)('bash', [join(repositoryRoot, 'scripts/infra/infra.sh'), command]);

    await waitFor(
      () => appliedCount(orgId),
      (count) => count > 20,
      { description: 'traffic flowing' },
    );
    await infra('kafka-stop');
    const writtenAtStop = written;
    const outageEnds = Date.now() + 30_000;
    const readiness = await waitFor(
      () => fetch(`${feedback.url}/health/ready`).then((response) => response.status),
      (status) => status === 503,
      { description: 'readiness reports Kafka down' },
    );
    expect(readiness).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    const backlog = await feedbackData.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE status = 'pending'`,
    );
    expect(written - writtenAtStop).toBeGreaterThan(100);
    expect(backlog[0].n).toBeGreaterThan(100);
    await infra('kafka-start');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    writing = false;
    await writer;

    await waitFor(
      () => appliedCount(orgId),
      (count) => count >= written,
      { timeoutMs: 120_000, description: `all ${written} events applied` },
    );
    await caughtUp();
    expect(await appliedCount(orgId)).toBe(written);
    // Events the services wrote while applying the last ones (sessions, audit) leave too: the
    // outbox drains completely, whatever backoff the relay was in when Kafka came back.
    const notSent = await waitFor(
      () => feedbackData.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM outbox_message`),
      (rows) => rows[0].n === 0,
      { timeoutMs: 30_000, description: 'the outbox drained' },
    );
    expect(notSent[0].n).toBe(0);
    expect(await inboxCount()).toBeGreaterThanOrEqual(written);
  });

  it('should send a malformed message to the dead-letter topic and go on with the partition', async () => {
    const orgId = newUuid();
    const kafka = testKafka('system-poison');
    const producer = kafka.producer();
    await producer.connect();
    const valid = buildEvent('appointment.completed', {
      source: '/test',
      subject: 'APT-after-poison',
      orgId,
      data: {
        externalAppointmentId: 'APT-after-poison',
        orgId,
        patient: { externalId: 'MRN-1', phone: '+441632960961' },
        appointment: {
          startedAt: '2026-11-20T09:00:00Z',
          endedAt: '2026-11-20T09:30:00Z',
          timezone: 'Europe/London',
        },
      },
    });
    await producer.send({
      topic: `${topicPrefix}appointment.completed`,
      messages: [
        { key: 'poison', value: '{"specversion":"1.0","type":"appointment.completed"' },
        { key: 'poison', value: JSON.stringify({ ...valid, id: newUuid(), dataversion: '7' }) },
        { key: 'poison', value: encodeEvent(valid) },
      ],
    });
    await producer.disconnect();

    const dlq = kafka.consumer({ groupId: `dlq-${uniqueSuffix()}` });
    const reasons: string[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: `${topicPrefix}appointment.completed.dlq`, fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        reasons.push(message.headers?.['careloop-dlq-reason']?.toString() ?? '');
        return Promise.resolve();
      },
    });

    await waitFor(
      () => appliedCount(orgId),
      (count) => count === 1,
      { description: 'the good event after the poison' },
    );
    await waitFor(
      () => reasons,
      (seen) => seen.length >= 2,
      { description: 'dead letters' },
    );
    await dlq.disconnect();
    expect(reasons).toEqual(['not-json', 'unknown-version']);
  });
});
