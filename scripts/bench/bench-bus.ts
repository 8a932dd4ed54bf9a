// npm run bench:bus — events/s and latency end to end, as two services see it: a producer
// process writes its state row and outbox row in one statement and its relay publishes to Kafka;
// a consumer process (forked, as services are separate processes) applies each event through its
// inbox in its own database. Real Postgres and Kafka (infra:up runs first).
//
// Phase 1: a fixed offered rate (default 2,000 events/s) for a fixed time: latency percentiles.
// Phase 2: as fast as the writers go, one event per statement: sustained end-to-end throughput.
// Phase 3: the same with batched producers (50 events per transaction, as a batch intake writes).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import type { AppointmentCompletedV1, CloudEvent } from '@careloop/contracts';
import type { MessagingLogger } from '@careloop/messaging';
import {
  createIdempotentProducer,
  createKafka,
  createMessagingTables,
  InboxRunner,
  KafkaEventServer,
  OutboxRelay,
  OutboxWriter,
} from '@careloop/messaging';
import { createServiceDataSource } from '@careloop/persistence';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  testInfrastructure,
  uniqueSuffix,
} from '@careloop/testing';
import { cleanBroker } from './clean-broker';

const rate = Number(process.env['BENCH_RATE'] ?? 2_000);
const fixedSeconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const burstEvents = Number(process.env['BENCH_BURST_EVENTS'] ?? 30_000);
const writers = Number(process.env['BENCH_WRITERS'] ?? 8);
const orgId = '6f1c1d1e-4a34-4c55-9a43-3f1d2b9b8a01';
const logger: MessagingLogger = {
  info: () => undefined,
  warn: (m, c) => console.warn(m, c),
  error: (m, c) => console.error(m, c),
};

type ConsumerMessage = { kind: 'ready' } | { kind: 'applied'; latencies: number[] };

async function database(purpose: string, table: string) {
  const db = await createTestDatabase(purpose);
  const dataSource = await createServiceDataSource({
    url: db.url,
    applicationName: purpose,
    poolSize: writers + 2,
  }).initialize();
  const runner = dataSource.createQueryRunner();
  await createMessagingTables(runner);
  await runner.query(`CREATE TABLE ${table} (external_id text PRIMARY KEY)`);
  await runner.release();
  return { db, dataSource };
}

/** The consuming service: applies events, reports each one's end-to-end latency every 100 ms. */
async function runConsumer(prefix: string, databaseUrl: string): Promise<void> {
  const dataSource = await createServiceDataSource({
    url: databaseUrl,
    applicationName: 'bench-consumer',
    poolSize: 8,
  }).initialize();
  const inbox = new InboxRunner(dataSource);
  const kafka = createKafka({
    clientId: 'bench-consumer',
    brokers: testInfrastructure.kafkaBrokers,
  });
  let pending: number[] = [];
  const server = new KafkaEventServer({
    kafka,
    groupId: `bench-${prefix}`,
    topicPrefix: prefix,
    logger,
    sharedTransaction: (ids, work) => inbox.inSharedTransaction(ids, work),
  });
  server.addHandler(
    'appointment.completed',
    async (event: CloudEvent<AppointmentCompletedV1>) => {
      const outcome = await inbox.once(event, 'bench', (manager) =>
        manager.query('INSERT INTO appointment_seen (external_id) VALUES ($1)', [
          event.data.externalAppointmentId,
        ]),
      );
      pending.push(Date.now() - Date.parse(event.time));
      return outcome;
    },
    true,
  );
  await new Promise<void>((resolve) => server.listen(() => resolve()));
  setInterval(() => {
    if (pending.length === 0) return;
    process.send?.({ kind: 'applied', latencies: pending } satisfies ConsumerMessage);
    pending = [];
  }, 100);
  process.send?.({ kind: 'ready' } satisfies ConsumerMessage);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function runProducer(): Promise<void> {
  await cleanBroker();
  const prefix = `bench${uniqueSuffix()}.`;
  await createTestTopics(prefix, ['appointment.completed'], 6);
  const [producer, consumer] = await Promise.all([
    database('bench_producer', 'appointment'),
    database('bench_consumer', 'appointment_seen'),
  ]);
  const latencies: number[] = [];
  const child = fork(__filename, ['consumer', prefix, consumer.db.url], {
    execArgv: process.execArgv,
  });
  await new Promise<void>((resolve) =>
    child.on('message', (message: ConsumerMessage) => {
      if (message.kind === 'ready') resolve();
      else latencies.push(...message.latencies);
    }),
  );

  const kafka = createKafka({
    clientId: 'bench-producer',
    brokers: testInfrastructure.kafkaBrokers,
  });
  const relay = new OutboxRelay({
    dataSource: producer.dataSource,
    createProducer: () => createIdempotentProducer(kafka),
    serviceName: `bench-${prefix}`,
    topicPrefix: prefix,
    logger,
    idleDelayMs: 5,
  });
  const writer = new OutboxWriter('/careloop/bench');
  relay.start();

  let sequence = 0;
  const appointment = (externalId: string) => ({
    subject: externalId,
    orgId,
    data: {
      externalAppointmentId: externalId,
      orgId,
      patient: { externalId: `MRN-${externalId}`, email: 'patient@example.org' },
      appointment: {
        startedAt: '2026-11-20T09:00:00Z',
        endedAt: '2026-11-20T09:30:00Z',
        timezone: 'Europe/London',
      },
    } as AppointmentCompletedV1,
  });
  const writeBatch = (size: number) => {
    const ids = Array.from({ length: size }, () => `bench-${sequence++}`);
    return producer.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO appointment (external_id) SELECT unnest($1::text[])', [ids]);
      await writer.appendMany(manager, 'appointment.completed', ids.map(appointment));
    });
  };
  const writeOne = () => {
    const externalId = `bench-${sequence++}`;
    // The hot-path form: state row and outbox row in one statement (DESIGN.md §6).
    return writer.appendWith(
      producer.dataSource,
      {
        sql: 'INSERT INTO appointment (external_id) VALUES ($1) RETURNING 1',
        parameters: [externalId],
      },
      'appointment.completed',
      {
        subject: externalId,
        orgId,
        data: {
          externalAppointmentId: externalId,
          orgId,
          patient: { externalId: `MRN-${externalId}`, email: 'patient@example.org' },
          appointment: {
            startedAt: '2026-11-20T09:00:00Z',
            endedAt: '2026-11-20T09:30:00Z',
            timezone: 'Europe/London',
          },
        },
      },
    );
  };
  const waitApplied = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (latencies.length < count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return latencies.length >= count;
  };

  // Warm-up: group joined, connections open, code paths compiled.
  for (let index = 0; index < 200; index++) await writeOne();
  await waitApplied(200, 60_000);
  latencies.length = 0;

  // Phase 1: offered load at a fixed rate, paced per 5 ms tick.
  const total = rate * fixedSeconds;
  const started = Date.now();
  let issued = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (issued < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
    while (issued < due) {
      const write: Promise<unknown> = writeOne().finally(() => inFlight.delete(write));
      inFlight.add(write);
      issued++;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(inFlight);
  const completed = await waitApplied(total, 60_000);
  const fixedElapsed = (Date.now() - started) / 1000;
  const fixedLatencies = latencies.splice(0).sort((a, b) => a - b);

  // Phase 2: saturate with concurrent writers.
  const burstStarted = Date.now();
  let remaining = burstEvents;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (remaining-- > 0) await writeOne();
    }),
  );
  const writeSeconds = (Date.now() - burstStarted) / 1000;
  const burstCompleted = await waitApplied(burstEvents, 120_000);
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const burstLatencies = latencies.splice(0).sort((a, b) => a - b);

  const batchStarted = Date.now();
  let batchesLeft = burstEvents / 50;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (batchesLeft-- > 0) await writeBatch(50);
    }),
  );
  const batchWriteSeconds = (Date.now() - batchStarted) / 1000;
  const batchCompleted = await waitApplied(burstEvents, 120_000);
  const batchSeconds = (Date.now() - batchStarted) / 1000;
  const batchLatencies = [...latencies].sort((a, b) => a - b);
  const [{ n: inboxRows }] = await consumer.dataSource.query<[{ n: number }]>(
    'SELECT count(*)::int AS n FROM inbox_message',
  );

  console.log(
    '\nbench:bus  producer process: state + outbox in one statement, relay -> Kafka (6 partitions, acks=all, idempotent)',
  );
  console.log(
    '           consumer process: inbox + effect, chunks of a partition in one transaction',
  );
  console.log(
    `fixed rate ${rate}/s for ${fixedSeconds}s: ${completed ? 'all' : 'NOT all'} ${total} applied in ${fixedElapsed.toFixed(1)}s ` +
      `(${(total / fixedElapsed).toFixed(0)} events/s); end-to-end latency p50 ${percentile(fixedLatencies, 50)} ms, ` +
      `p95 ${percentile(fixedLatencies, 95)} ms, p99 ${percentile(fixedLatencies, 99)} ms, max ${fixedLatencies.at(-1)} ms`,
  );
  console.log(
    `saturation: ${burstEvents} events from ${writers} writers, written in ${writeSeconds.toFixed(1)}s (${(burstEvents / writeSeconds).toFixed(0)}/s); ` +
      `${burstCompleted ? 'all' : 'NOT all'} applied in ${burstSeconds.toFixed(1)}s -> ${(burstEvents / burstSeconds).toFixed(0)} events/s end to end; ` +
      `latency p50 ${percentile(burstLatencies, 50)} ms, p95 ${percentile(burstLatencies, 95)} ms`,
  );
  console.log(
    `batched producers: ${burstEvents} events in transactions of 50, written in ${batchWriteSeconds.toFixed(1)}s (${(burstEvents / batchWriteSeconds).toFixed(0)}/s); ` +
      `${batchCompleted ? 'all' : 'NOT all'} applied in ${batchSeconds.toFixed(1)}s -> ${(burstEvents / batchSeconds).toFixed(0)} events/s end to end; ` +
      `latency p50 ${percentile(batchLatencies, 50)} ms, p95 ${percentile(batchLatencies, 95)} ms`,
  );
  console.log(
    `inbox rows ${inboxRows}, events written ${sequence}: ${inboxRows === sequence ? 'each applied once' : 'MISMATCH'}`,
  );

  child.kill('SIGKILL');
  await relay.stop();
  await Promise.all([producer.dataSource.destroy(), consumer.dataSource.destroy()]);
  await Promise.all([producer.db.drop(), consumer.db.drop()]);
  await deleteTestTopics(prefix);
  process.exit(completed && burstCompleted && batchCompleted && inboxRows === sequence ? 0 : 1);
}

const [role, prefixArgument, databaseUrlArgument] = process.argv.slice(2);
(role === 'consumer' ? runConsumer(prefixArgument!, databaseUrlArgument!) : runProducer()).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
