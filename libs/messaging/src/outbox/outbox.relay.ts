import type { EventEmitter } from 'node:events';
import type { Producer } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import type { MessagingLogger } from '../messaging.logger';
import { isBrokerUnavailable } from '../kafka/kafka-errors';
import { OUTBOX_CHANNEL } from '../messaging.tables';
import { messagingMetrics } from '@careloop/observability';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** Makes a fresh producer; called again after an outage that left the old one unusable. */
  createProducer: () => Producer;
  /** One relay per service database publishes; the name keys the Postgres advisory lock. */
  serviceName: string;
  topicPrefix?: string;
  logger: MessagingLogger;
  batchSize?: number;
  /**
   * How long the relay waits when the outbox is empty before looking again. Commits wake it at once
   * (NOTIFY on the outbox channel); the delay only bounds the wait if a notification was missed
   * (e.g. across a reconnect).
   */
  idleDelayMs?: number;
  /**
   * After a wake-up, how long the relay waits for more commits before publishing (Kafka's linger.ms):
   * events committed a few milliseconds apart leave in one produce request, and the consumers get
   * them in one fetch and one inbox transaction. Default 20 ms: at a few hundred events a second
   * that is several events per produce request, fetch and consumer transaction, for an added delay
   * nobody downstream of an outbox notices.
   */
  lingerMs?: number;
  /** Attempts before a row that Kafka keeps refusing (while others go through) is parked as failed. */
  maxAttempts?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  /** The CloudEvent exactly as serialized at append time: sent as is, never re-encoded. */
  payload: string;
  headers: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes outbox rows to Kafka in id order (so in order per key), then deletes them.
 * Exactly one relay per service database is active, elected by an advisory lock, because two
 * relays interleaving the same key could reorder it. A crash between publish and mark re-sends
 * the row: delivery is at least once, and consumers deduplicate by event id in their inbox.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private producer?: Producer;
  private producerConnected = false;
  private leaderConnection?: QueryRunner;
  private lastBacklogProbe = 0;
  private wake?: () => void;
  /** A notification arrived while the relay was busy: the next pause returns at once. */
  private woken = false;
  private readonly onNotification = () => this.nudge();
  private readonly metrics = messagingMetrics();

  constructor(private readonly options: OutboxRelayOptions) {}

  private get batchSize() {
    return this.options.batchSize ?? 500;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight, so a shutdown never abandons a half-marked batch. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.releaseLeadership();
    await this.disconnectProducer();
  }

  /** Asks a relay that is waiting for work to look now (e.g. right after a commit). */
  nudge(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        if (!(await this.ensureLeadership())) {
          await this.pause(1_000);
          continue;
        }
        const published = await this.publishBatch();
        backoff = 200;
        await this.housekeeping();
        if (published < this.batchSize) {
          await this.pause(this.options.idleDelayMs ?? 1_000);
          const linger = this.options.lingerMs ?? 20;
          if (linger > 0 && this.running) await sleep(linger);
        }
      } catch (error) {
        this.options.logger.warn('outbox relay paused after an error; it retries with backoff', {
          error: describe(error),
          retryInMs: backoff,
        });
        if (isBrokerUnavailable(error)) await this.disconnectProducer();
        else await this.releaseLeadership();
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /** Publishes one batch; returns how many rows it took from the outbox. */
  async publishBatch(): Promise<number> {
    const rows: OutboxRow[] = await this.options.dataSource.query(
      `SELECT id, topic, message_key, payload, headers FROM outbox_message
        WHERE status = 'pending' ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const producer = await this.connectedProducer();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: groupByTopic(rows, this.options.topicPrefix ?? ''),
      });
      await this.markSent(rows);
    } catch (error) {
      if (isBrokerUnavailable(error)) throw error;
      // Kafka accepted the connection but refused something in the batch: send row by row so one
      // bad row is isolated and parked instead of blocking every row behind it.
      await this.publishOneByOne(rows, producer);
    }
    return rows.length;
  }

  private async publishOneByOne(rows: OutboxRow[], producer: Producer): Promise<void> {
    for (const row of rows) {
      try {
        await producer.send({
          acks: -1,
          ...groupByTopic([row], this.options.topicPrefix ?? '')[0]!,
        });
        await this.markSent([row]);
      } catch (error) {
        if (isBrokerUnavailable(error)) throw error;
        const [{ status }] = await this.options.dataSource.query<[{ status: string }]>(
          `UPDATE outbox_message
              SET attempts = attempts + 1, last_error = $2,
                  status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE status END
            WHERE id = $1 RETURNING status`,
          [row.id, describe(error), this.options.maxAttempts ?? 10],
        );
        this.options.logger.error('outbox row refused by Kafka', {
          outboxId: row.id,
          topic: row.topic,
          parked: status === 'failed',
          error: describe(error),
        });
        if (status !== 'failed') return; // retry later, keeping this key's order
      }
    }
  }

  private async markSent(rows: OutboxRow[]): Promise<void> {
    await this.options.dataSource.query(`DELETE FROM outbox_message WHERE id = ANY($1::bigint[])`, [
      rows.map((row) => row.id),
    ]);
    for (const row of rows) this.metrics.eventsPublished.inc({ topic: row.topic });
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastBacklogProbe > 2_000) {
      this.lastBacklogProbe = now;
      const [{ count }] = await this.options.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM outbox_message WHERE status = 'pending'`,
      );
      this.metrics.outboxBacklog.set(count);
    }
  }

  private async ensureLeadership(): Promise<boolean> {
    if (this.leaderConnection && !this.leaderConnection.isReleased) return true;
    const connection = this.options.dataSource.createQueryRunner();
    await connection.connect();
    const [{ acquired }] = (await connection.query(
      `SELECT pg_try_advisory_lock(hashtext('careloop.outbox-relay.' || $1)) AS acquired`,
      [this.options.serviceName],
    )) as [{ acquired: boolean }];
    if (!acquired) {
      await connection.release();
      return false;
    }
    // The leader's own session listens, so the wake-up lives and dies with the leadership.
    await connection.query(`LISTEN ${OUTBOX_CHANNEL}`);
    clientOf(connection).on('notification', this.onNotification);
    this.leaderConnection = connection;
    return true;
  }

  private async releaseLeadership(): Promise<void> {
    const connection = this.leaderConnection;
    this.leaderConnection = undefined;
    if (!connection || connection.isReleased) return;
    clientOf(connection).off('notification', this.onNotification);
    try {
      // The connection returns to the pool: it must not keep the lock nor the subscription.
      await connection.query('UNLISTEN *; SELECT pg_advisory_unlock_all()');
    } finally {
      await connection.release();
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) this.producer = this.options.createProducer();
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    return this.producer;
  }

  private async disconnectProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.producerConnected = false;
    await producer?.disconnect().catch(() => undefined);
  }

  private pause(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return Promise.race([
      sleep(ms),
      new Promise<void>((resolve) => {
        this.wake = resolve;
      }),
    ]).finally(() => {
      this.wake = undefined;
      this.woken = false;
    });
  }
}

/** The pg client under a TypeORM query runner: notifications arrive as its events. */
function clientOf(connection: QueryRunner): EventEmitter {
  return (connection as unknown as { databaseConnection: EventEmitter }).databaseConnection;
}

function groupByTopic(rows: OutboxRow[], prefix: string) {
  const byTopic = new Map<
    string,
    { key: string; value: string; headers: Record<string, string> }[]
  >();
  for (const row of rows) {
    const topic = prefix + row.topic;
    const messages = byTopic.get(topic) ?? [];
    messages.push({
      key: row.message_key,
      value: row.payload,
      headers: JSON.parse(row.headers) as Record<string, string>,
    });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
