import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestDatabase } from '@careloop/testing';
import { deleteTestTopics, newUuid, testKafka, uniqueSuffix, waitFor } from '@careloop/testing';
import type { DataSource } from 'typeorm';
import type { FetchBatching, KafkaEventServer } from '../src/kafka/kafka-event.server';
import type { OutboxRelay } from '../src/outbox/outbox.relay';
import { OutboxWriter } from '../src/outbox/outbox.writer';
import {
  appointmentData,
  createMessagingDatabase,
  listen,
  newConsumer,
  newRelay,
  newTopicPrefix,
  recordAppointment,
  recordSettingsRevision,
} from './fixtures/messaging-test-bed';

jest.setTimeout(60_000);

describe('outbox to inbox across two services', () => {
  const orgId = newUuid();
  const writer = new OutboxWriter('/careloop/test-producer');
  let producer: { database: TestDatabase; dataSource: DataSource };
  let consumer: { database: TestDatabase; dataSource: DataSource };
  let topicPrefix: string;
  let relay: OutboxRelay;
  const servers: KafkaEventServer[] = [];
  const isolatedProducers: (() => Promise<void>)[] = [];

  const effectCounts = async (ids: string[]) => {
    const rows: { external_id: string; effect_count: number }[] = await consumer.dataSource.query(
      'SELECT external_id, effect_count FROM appointment_seen WHERE external_id = ANY($1) ORDER BY sequence',
      [ids],
    );
    return rows;
  };

  /**
   * A producer with an outbox, a relay and topics of its own (a new group reading from the start then
   * reads only what the test sends, not the earlier tests' backlog, which would split its fetches), an
   * org, and a chunked consumer that records per shared transaction how many of the org's events it
   * carried. `appliedOnce` waits for `ids` and checks each was applied exactly once.
   */
  const isolatedPipeline = async (purpose: string, fetchBatching?: FetchBatching) => {
    const [own, ownTopicPrefix] = await Promise.all([
      createMessagingDatabase(purpose),
      newTopicPrefix(),
    ]);
    const ownRelay = newRelay(own.dataSource, ownTopicPrefix);
    ownRelay.start();
    isolatedProducers.push(async () => {
      await ownRelay.stop();
      await own.dataSource.destroy();
      await own.database.drop();
      await deleteTestTopics(ownTopicPrefix);
    });
    const orgId = newUuid();
    const transactions: number[] = [];
    const server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix: ownTopicPrefix,
      groupId: `g-${uniqueSuffix()}`,
      chunked: true,
      ...(fetchBatching ? { fetchBatching } : {}),
      onSharedTransaction: (events) => {
        const ours = events.filter((event) => event.orgid === orgId).length;
        if (ours > 0) transactions.push(ours);
      },
    });
    servers.push(server);
    await listen(server);
    const appliedOnce = async (ids: string[]) => {
      const rows = await waitFor(
        () => effectCounts(ids),
        (applied) => applied.length === ids.length,
        { description: 'every event applied' },
      );
      expect(rows.every((row) => row.effect_count === 1)).toBe(true);
      expect(transactions.reduce((sum, events) => sum + events, 0)).toBe(ids.length);
    };
    return { producerData: own.dataSource, orgId, transactions, appliedOnce };
  };

  beforeAll(async () => {
    [producer, consumer, topicPrefix] = await Promise.all([
      createMessagingDatabase('producer'),
      createMessagingDatabase('consumer'),
      newTopicPrefix(),
    ]);
    relay = newRelay(producer.dataSource, topicPrefix);
    relay.start();
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(isolatedProducers.map((close) => close()));
    await relay.stop();
    await Promise.all([producer.dataSource.destroy(), consumer.dataSource.destroy()]);
    await Promise.all([producer.database.drop(), consumer.database.drop()]);
    await deleteTestTopics(topicPrefix);
  });

  it.each([
    ['one transaction per event', false],
    ['chunks of events in one transaction', true],
  ])('should apply every committed event exactly once (%s)', async (_mode, chunked) => {
    const server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId: `g-${uniqueSuffix()}`,
      chunked,
    });
    servers.push(server);
    await listen(server);
    const ids = Array.from({ length: 300 }, (_, index) => `visit-${index}-${uniqueSuffix()}`);
    for (const externalId of ids)
      await recordAppointment(producer.dataSource, writer, orgId, externalId);

    const rows = await waitFor(
      () => effectCounts(ids),
      (seen) => seen.length === ids.length,
      { description: 'all events applied' },
    );

    expect(rows.filter((row) => row.effect_count !== 1)).toEqual([]);
    const [{ pending }] = await producer.dataSource.query<[{ pending: number }]>(
      `SELECT count(*)::int AS pending FROM outbox_message`,
    );
    expect(pending).toBe(0);
  });

  it('should deliver the events of one aggregate in the order they were committed', async () => {
    const server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId: `g-${uniqueSuffix()}`,
      chunked: true,
    });
    servers.push(server);
    await listen(server);
    const orgs = Array.from({ length: 6 }, () => newUuid());
    for (let revision = 1; revision <= 20; revision++) {
      for (const org of orgs)
        await recordSettingsRevision(producer.dataSource, writer, org, revision);
    }

    const seen = await waitFor(
      () =>
        consumer.dataSource.query<{ org_id: string; revision: number }[]>(
          'SELECT org_id, revision FROM settings_seen WHERE org_id = ANY($1) ORDER BY sequence',
          [orgs],
        ),
      (rows) => rows.length === orgs.length * 20,
      { description: 'every revision applied' },
    );

    for (const org of orgs) {
      expect(seen.filter((row) => row.org_id === org).map((row) => row.revision)).toEqual(
        Array.from({ length: 20 }, (_, index) => index + 1),
      );
    }
  });

  it('should apply the events of several partitions delivered together in shared transactions', async () => {
    const {
      producerData,
      orgId: spreadOrg,
      transactions,
      appliedOnce,
    } = await isolatedPipeline('spreading-producer');
    // One commit, so one relay batch and one produce request, keys spread over every partition.
    const ids = Array.from({ length: 24 }, (_, index) => `spread-${index}-${uniqueSuffix()}`);
    await producerData.transaction(async (manager) => {
      for (const externalId of ids) {
        await writer.append(manager, 'appointment.completed', {
          subject: externalId,
          orgId: spreadOrg,
          data: appointmentData(spreadOrg, externalId),
        });
      }
    });
    await appliedOnce(ids);
    // kafkajs hands each partition its own batch; they join instead of costing a transaction each.
    // One per partition (six) without joining; one when the fetch brings them all at once.
    expect(transactions.length).toBeLessThanOrEqual(2);
  });

  it('should let the events of separate commits gather into one fetch when the consumer batches its fetches', async () => {
    // Far more bytes than the test sends: each fetch waits out its full second.
    const {
      producerData,
      orgId: gatheredOrg,
      transactions,
      appliedOnce,
    } = await isolatedPipeline('gathering-producer', { minBytes: 1_048_576, maxWaitMs: 1_000 });
    const ids = Array.from({ length: 10 }, (_, index) => `gathered-${index}-${uniqueSuffix()}`);
    const outboxEmpty = async () => {
      const [{ pending }] = await producerData.query<[{ pending: number }]>(
        `SELECT count(*)::int AS pending FROM outbox_message`,
      );
      return pending === 0;
    };
    for (const externalId of ids) {
      await recordAppointment(producerData, writer, gatheredOrg, externalId);
      // Published before the next commit: one produce request per event.
      await waitFor(outboxEmpty, (empty) => empty, { description: 'the event published' });
    }
    await appliedOnce(ids);
    // Fetching at once, each produce request would wake the consumer: ten transactions.
    expect(transactions.length).toBeLessThanOrEqual(3);
  });

  it('should publish a commit at once when idle, woken by the outbox notification rather than a poll', async () => {
    // A relay of its own whose poll would take a minute: only the NOTIFY can make it look.
    const producerOfItsOwn = await createMessagingDatabase('notified-producer');
    const idleRelay = newRelay(producerOfItsOwn.dataSource, topicPrefix, undefined, 60_000);
    const server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId: `g-${uniqueSuffix()}`,
    });
    servers.push(server);
    try {
      idleRelay.start();
      await listen(server);
      // Leadership (and so LISTEN) is taken on the relay's first turn; wait until it idles.
      await waitFor(
        () =>
          producerOfItsOwn.dataSource.query<{ count: number }[]>(
            `SELECT count(*)::int AS count FROM pg_stat_activity
              WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
          ),
        (rows) => rows[0]!.count === 1,
        { description: 'the relay listening' },
      );
      const externalId = `notified-${uniqueSuffix()}`;
      await recordAppointment(producerOfItsOwn.dataSource, writer, orgId, externalId);
      const applied = await waitFor(
        () => effectCounts([externalId]),
        (rows) => rows.length === 1,
        { description: 'the notified event applied well before the 60 s poll' },
      );
      expect(applied).toEqual([{ external_id: externalId, effect_count: 1 }]);
    } finally {
      await idleRelay.stop();
      await producerOfItsOwn.dataSource.destroy();
      await producerOfItsOwn.database.drop();
    }
  });

  it('should publish nothing when the state change rolls back', async () => {
    const server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId: `g-${uniqueSuffix()}`,
    });
    servers.push(server);
    await listen(server);
    const rolledBack = `rolled-back-${uniqueSuffix()}`;
    const committed = `committed-${uniqueSuffix()}`;

    await expect(
      producer.dataSource.transaction(async (manager) => {
        await writer.append(manager, 'appointment.completed', {
          subject: rolledBack,
          orgId,
          data: (await import('./fixtures/messaging-test-bed')).appointmentData(orgId, rolledBack),
        });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await recordAppointment(producer.dataSource, writer, orgId, committed);

    await waitFor(
      () => effectCounts([committed]),
      (rows) => rows.length === 1,
    );
    expect(await effectCounts([rolledBack])).toEqual([]);
  });

  it('should not apply an event twice when the consumer dies after its effect and before its offset commit', async () => {
    const groupId = `g-crash-${uniqueSuffix()}`;
    const externalId = `crash-${uniqueSuffix()}`;
    const crashing = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'fixtures/crashing-consumer.ts')],
      {
        cwd: join(__dirname, '../../..'),
        env: {
          ...process.env,
          FIXTURE_DATABASE_URL: consumer.database.url,
          FIXTURE_TOPIC_PREFIX: topicPrefix,
          FIXTURE_GROUP_ID: groupId,
          SWC_NODE_PROJECT: join(__dirname, '../../../tsconfig.json'),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      crashing.on('exit', (_code, signal) => resolve(signal)),
    );
    await recordAppointment(producer.dataSource, writer, orgId, externalId);

    expect(await exited).toBe('SIGKILL');
    expect(await effectCounts([externalId])).toEqual([
      { external_id: externalId, effect_count: 1 },
    ]);
    const admin = testKafka().admin();
    await admin.connect();
    const committedOffsets = await admin.fetchOffsets({
      groupId,
      topics: [`${topicPrefix}appointment.completed`],
    });
    await admin.disconnect();
    // Nothing was committed for the group: Kafka will deliver the event again.
    expect(committedOffsets[0]!.partitions.every((partition) => partition.offset === '-1')).toBe(
      true,
    );

    const outcomes: string[] = [];
    const successor = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    servers.push(successor);
    await listen(successor);

    await waitFor(
      () => outcomes,
      (seen) => seen.includes('duplicate'),
      { timeoutMs: 45_000, description: 'the redelivery' },
    );
    expect(await effectCounts([externalId])).toEqual([
      { external_id: externalId, effect_count: 1 },
    ]);
  });
});
