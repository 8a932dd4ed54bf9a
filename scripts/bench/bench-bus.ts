// npm run bench:bus — events/s and latency end to end: a producer service's transaction writes a
// state row and its outbox row; the relay publishes to Kafka; a consumer service applies the
// event through its inbox in its own database. Real Postgres and Kafka (npm run infra:up first).
//
// Phase 1: a fixed offered rate (default 2,000 events/s) for a fixed time: latency percentiles.
// Phase 2: as fast as the writers go: sustained end-to-end throughput.
import 'reflect-metadata';
import type { AppointmentCompletedV1, CloudEvent } from '@careloop/contracts';
import { createIdempotentProducer, createKafka, createMessagingTables, InboxRunner, KafkaEventServer, OutboxRelay, OutboxWriter } from '@careloop/messaging';
import type { MessagingLogger } from '@careloop/messaging';
import { createServiceDataSource } from '@careloop/persistence';
import { createTestDatabase, createTestTopics, deleteTestTopics, testInfrastructure, uniqueSuffix } from '@careloop/testing';
import type { DataSource } from 'typeorm';

const rate = Number(process.env['BENCH_RATE'] ?? 2_000);
const fixedSeconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const burstEvents = Number(process.env['BENCH_BURST_EVENTS'] ?? 30_000);
const writers = Number(process.env['BENCH_WRITERS'] ?? 16);
const orgId = '6f1c1d1e-4a34-4c55-9a43-3f1d2b9b8a01';
const logger: MessagingLogger = { info: () => undefined, warn: (m, c) => console.warn(m, c), error: (m, c) => console.error(m, c) };

async function database(purpose: string) {
  const db = await createTestDatabase(purpose);
  const dataSource = await createServiceDataSource({ url: db.url, applicationName: purpose, poolSize: writers + 2 }).initialize();
  const runner = dataSource.createQueryRunner();
  await createMessagingTables(runner);
  await runner.query('CREATE TABLE appointment (external_id text PRIMARY KEY)');
  await runner.query('CREATE TABLE appointment_seen (external_id text PRIMARY KEY)');
  await runner.release();
  return { db, dataSource };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main() {
  const prefix = `bench${uniqueSuffix()}.`;
  await createTestTopics(prefix, ['appointment.completed'], 6);
  const [producer, consumer] = await Promise.all([database('bench_producer'), database('bench_consumer')]);
  const kafka = createKafka({ clientId: 'bench', brokers: testInfrastructure.kafkaBrokers });
  const relay = new OutboxRelay({ dataSource: producer.dataSource, createProducer: () => createIdempotentProducer(kafka), serviceName: `bench-${prefix}`, topicPrefix: prefix, logger, idleDelayMs: 5 });
  const writer = new OutboxWriter('/careloop/bench');
  const inbox = new InboxRunner(consumer.dataSource);
  const latencies: number[] = [];
  let applied = 0;
  const server = new KafkaEventServer({ kafka, groupId: `bench-${prefix}`, topicPrefix: prefix, logger });
  server.addHandler(
    'appointment.completed',
    async (event: CloudEvent<AppointmentCompletedV1>) => {
      const outcome = await inbox.once(event, 'bench', (manager) =>
        manager.query('INSERT INTO appointment_seen (external_id) VALUES ($1)', [event.data.externalAppointmentId]),
      );
      latencies.push(Date.now() - Date.parse(event.time));
      applied++;
      return outcome;
    },
    true,
  );
  await new Promise<void>((resolve) => server.listen(() => resolve()));
  relay.start();

  let sequence = 0;
  const writeOne = (dataSource: DataSource) => {
    const externalId = `bench-${sequence++}`;
    return dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO appointment (external_id) VALUES ($1)', [externalId]);
      await writer.append(manager, 'appointment.completed', {
        subject: externalId,
        orgId,
        data: {
          externalAppointmentId: externalId,
          orgId,
          patient: { externalId: `MRN-${externalId}`, email: 'patient@example.org' },
          appointment: { startedAt: '2026-11-20T09:00:00Z', endedAt: '2026-11-20T09:30:00Z', timezone: 'Europe/London' },
        } as AppointmentCompletedV1,
      });
    });
  };
  const waitApplied = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (applied < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return applied >= count;
  };

  // Warm-up: group joined, connections open, JIT warm.
  await writeOne(producer.dataSource);
  await waitApplied(1, 30_000);
  latencies.length = 0;
  applied = 0;

  // Phase 1: offered load at a fixed rate, paced per 10 ms tick.
  const total = rate * fixedSeconds;
  const started = Date.now();
  let issued = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (issued < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
    while (issued < due) {
      const write = writeOne(producer.dataSource).finally(() => inFlight.delete(write));
      inFlight.add(write);
      issued++;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inFlight);
  const completed = await waitApplied(total, 60_000);
  const fixedElapsed = (Date.now() - started) / 1000;
  const fixedLatencies = [...latencies].sort((a, b) => a - b);

  // Phase 2: saturate with concurrent writers.
  latencies.length = 0;
  applied = 0;
  const burstStarted = Date.now();
  let remaining = burstEvents;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (remaining-- > 0) await writeOne(producer.dataSource);
    }),
  );
  const writeSeconds = (Date.now() - burstStarted) / 1000;
  const burstCompleted = await waitApplied(burstEvents, 120_000);
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const burstLatencies = [...latencies].sort((a, b) => a - b);

  const duplicates = await consumer.dataSource.query('SELECT count(*)::int AS n FROM inbox_message');
  console.log(`\nbench:bus  outbox -> relay -> Kafka (6 partitions, acks=all, idempotent) -> inbox + effect`);
  console.log(`fixed rate ${rate}/s for ${fixedSeconds}s: ${completed ? 'all' : 'NOT all'} ${total} applied in ${fixedElapsed.toFixed(1)}s` +
    ` -> ${(total / fixedElapsed).toFixed(0)} events/s; latency p50 ${percentile(fixedLatencies, 50)} ms, p95 ${percentile(fixedLatencies, 95)} ms, p99 ${percentile(fixedLatencies, 99)} ms, max ${fixedLatencies.at(-1)} ms`);
  console.log(`saturation ${burstEvents} events, ${writers} writers: written in ${writeSeconds.toFixed(1)}s (${(burstEvents / writeSeconds).toFixed(0)}/s), ` +
    `${burstCompleted ? 'all' : 'NOT all'} applied in ${burstSeconds.toFixed(1)}s -> ${(burstEvents / burstSeconds).toFixed(0)} events/s end to end; ` +
    `latency p50 ${percentile(burstLatencies, 50)} ms, p95 ${percentile(burstLatencies, 95)} ms`);
  console.log(`inbox rows ${duplicates[0].n} (expected ${total + burstEvents + 1}: one per event, no double effect)`);

  await server.close();
  await relay.stop();
  await Promise.all([producer.dataSource.destroy(), consumer.dataSource.destroy()]);
  await Promise.all([producer.db.drop(), consumer.db.drop()]);
  await deleteTestTopics(prefix);
  process.exit(completed && burstCompleted ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
