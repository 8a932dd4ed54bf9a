import type { AppointmentCompletedV1, CloudEvent } from '@careloop/contracts';
import { buildEvent, encodeEvent } from '@careloop/contracts';
import type { TestDatabase } from '@careloop/testing';
import { deleteTestTopics, newUuid, testKafka, uniqueSuffix, waitFor } from '@careloop/testing';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DLQ_HEADERS } from '../src/kafka/kafka-event.server';
import type { KafkaEventServer } from '../src/kafka/kafka-event.server';
import {
  appointmentData,
  createMessagingDatabase,
  listen,
  newConsumer,
  newTopicPrefix,
} from './fixtures/messaging-test-bed';

jest.setTimeout(60_000);

describe.each([
  ['one transaction per event', false],
  ['chunks of events in one transaction', true],
])('poison messages (%s)', (_mode, chunked) => {
  const orgId = newUuid();
  let consumer: { database: TestDatabase; dataSource: DataSource };
  let topicPrefix: string;
  let server: KafkaEventServer;
  const deadLetters: KafkaMessage[] = [];
  const dlqReader = testKafka('dlq-reader').consumer({ groupId: `dlq-${uniqueSuffix()}` });
  const producer = testKafka('poison-producer').producer();

  const goodEvent = (externalId: string) =>
    encodeEvent(
      buildEvent('appointment.completed', {
        source: '/test',
        subject: externalId,
        orgId,
        data: appointmentData(orgId, externalId),
      }),
    );

  beforeAll(async () => {
    [consumer, topicPrefix] = await Promise.all([
      createMessagingDatabase('poison'),
      newTopicPrefix(),
    ]);
    await producer.connect();
    await dlqReader.connect();
    await dlqReader.subscribe({
      topic: `${topicPrefix}appointment.completed.dlq`,
      fromBeginning: true,
    });
    await dlqReader.run({
      eachMessage: ({ message }) => {
        deadLetters.push(message);
        return Promise.resolve();
      },
    });
    server = newConsumer({
      dataSource: consumer.dataSource,
      topicPrefix,
      groupId: `g-${uniqueSuffix()}`,
      maxAttempts: 3,
      chunked,
      failWith: () => (failNext ? new Error('the projection refuses this event') : undefined),
    });
    await listen(server);
  });

  let failNext = false;

  afterAll(async () => {
    await server.close();
    await dlqReader.disconnect();
    await producer.disconnect();
    await consumer.dataSource.destroy();
    await consumer.database.drop();
    await deleteTestTopics(topicPrefix);
  });

  const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();
  const applied = async (externalId: string) =>
    consumer.dataSource.query<{ effect_count: number }[]>(
      'SELECT effect_count FROM appointment_seen WHERE external_id = $1',
      [externalId],
    );

  it('should dead-letter unreadable, invalid and unknown-version messages with their reason and process the next one on the partition', async () => {
    const valid = JSON.parse(
      goodEvent('template').toString(),
    ) as CloudEvent<AppointmentCompletedV1>;
    const poison = [
      { value: 'this is not JSON {', reason: 'not-json' },
      {
        value: JSON.stringify({
          ...valid,
          id: newUuid(),
          data: { ...valid.data, patient: { externalId: '' } },
        }),
        reason: 'invalid-payload',
      },
      {
        value: JSON.stringify({ ...valid, id: newUuid(), dataversion: '99' }),
        reason: 'unknown-version',
      },
    ];
    const afterPoison = `after-poison-${uniqueSuffix()}`;
    // One key, so all four land on one partition, the good one last.
    await producer.send({
      topic: `${topicPrefix}appointment.completed`,
      messages: [
        ...poison.map(({ value }) => ({ key: 'same-key', value })),
        { key: 'same-key', value: goodEvent(afterPoison) },
      ],
    });

    await waitFor(
      () => applied(afterPoison),
      (rows) => rows.length === 1,
      { description: 'the message after the poison' },
    );
    await waitFor(
      () => deadLetters.length,
      (count) => count >= 3,
      { description: 'three dead letters' },
    );

    expect(deadLetters.map((message) => header(message, DLQ_HEADERS.reason))).toEqual(
      poison.map((entry) => entry.reason),
    );
    expect(deadLetters.map((message) => message.value?.toString())).toEqual(
      poison.map((entry) => entry.value),
    );
    for (const message of deadLetters) {
      expect(header(message, DLQ_HEADERS.originalTopic)).toBe('appointment.completed');
      expect(header(message, DLQ_HEADERS.error)).toBeTruthy();
      expect(Number(header(message, DLQ_HEADERS.originalOffset))).toBeGreaterThanOrEqual(0);
    }
  });

  it('should dead-letter an event whose handler keeps failing after its attempts and move on', async () => {
    const refused = `refused-${uniqueSuffix()}`;
    const next = `next-${uniqueSuffix()}`;
    failNext = true;
    await producer.send({
      topic: `${topicPrefix}appointment.completed`,
      messages: [{ key: 'k2', value: goodEvent(refused) }],
    });
    await waitFor(
      () => deadLetters.some((message) => message.value?.toString().includes(refused)),
      Boolean,
      { description: 'the refused event dead-lettered' },
    );
    failNext = false;
    await producer.send({
      topic: `${topicPrefix}appointment.completed`,
      messages: [{ key: 'k2', value: goodEvent(next) }],
    });

    await waitFor(
      () => applied(next),
      (rows) => rows.length === 1,
      { description: 'the next event applied' },
    );
    const letter = deadLetters.find((message) => message.value?.toString().includes(refused))!;
    expect(header(letter, DLQ_HEADERS.reason)).toBe('handler-failed');
    expect(header(letter, DLQ_HEADERS.error)).toContain('the projection refuses this event');
    expect(await applied(refused)).toEqual([]);
  });
});
