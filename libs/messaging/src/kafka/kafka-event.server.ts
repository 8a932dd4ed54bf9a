import type { CloudEvent } from '@careloop/contracts';
import { deadLetterTopicOf, decodeEvent } from '@careloop/contracts';
import { messagingMetrics } from '@careloop/observability';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { Server } from '@nestjs/microservices';
import { context } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { MessagingLogger } from '../messaging.logger';
import type { InboxEvent } from '../inbox/inbox.runner';
import { contextFromHeaders } from '../tracing/trace-propagation';
import type { GroupCommitOutcome } from '@careloop/persistence';
import { GroupCommit } from '@careloop/persistence';
import { createIdempotentProducer } from './kafka-client.factory';
import { KafkaEventContext } from './kafka-event.context';
import { isInfrastructureUnavailable } from './infrastructure-errors';

/** A partition's chunk of decoded deliveries, waiting to be applied with others. */
interface DecodedChunk {
  eventType: string;
  partition: number;
  deliveries: { message: KafkaMessage; event: CloudEvent<unknown> }[];
}

export interface KafkaEventServerOptions {
  kafka: Kafka;
  groupId: string;
  logger: MessagingLogger;
  topicPrefix?: string;
  /** Handler failures before the message goes to `<topic>.dlq` and the partition moves on. */
  maxAttempts?: number;
  retryBackoffMs?: number;
  /** Partitions handled in parallel; order still holds within each partition (so per key). */
  partitionsConsumedConcurrently?: number;
  /** Offsets of applied events are committed this often, or after `commitThreshold` events. */
  commitIntervalMs?: number;
  commitThreshold?: number;
  /** Kafka evicts a silent member after this; short in tests that kill consumers on purpose. */
  sessionTimeoutMs?: number;
  /**
   * Joins the handlers of up to `transactionChunkSize` consecutive deliveries of a partition, and the
   * chunks of other partitions delivered at the same moment, into one database transaction (see
   * InboxRunner.inSharedTransaction). Absent: one transaction per event.
   */
  sharedTransaction?: <T>(events: readonly InboxEvent[], work: () => Promise<T>) => Promise<T>;
  transactionChunkSize?: number;
  /** Start from the earliest offset when the group has none, so a new projection sees history. */
  fromBeginning?: boolean;
  /**
   * How a fetch waits for events to gather (Kafka's fetch.min.bytes / fetch.max.wait.ms). Absent, a
   * fetch returns as soon as any event arrives: each outbox batch wakes the consumer and costs the
   * broker a fetch of every assigned partition. A consumer that can lag a little (a projection)
   * trades that much freshness for fewer, fuller fetches.
   */
  fetchBatching?: FetchBatching;
}

export interface FetchBatching {
  /** A fetch returns once this many bytes are ready... */
  minBytes: number;
  /** ...or after this long, whichever comes first. */
  maxWaitMs: number;
}

export const DLQ_HEADERS = {
  reason: 'careloop-dlq-reason',
  error: 'careloop-dlq-error',
  originalTopic: 'careloop-original-topic',
  originalPartition: 'careloop-original-partition',
  originalOffset: 'careloop-original-offset',
  consumerGroup: 'careloop-consumer-group',
  deadLetteredAt: 'careloop-dead-lettered-at',
} as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Nest transport strategy over kafkajs for `@EventPattern(<event type>)` handlers.
 *
 * Why not Nest's Transport.KAFKA: its server commits offsets on its own schedule and has no
 * per-message retry budget or dead-letter topic. Here an offset is resolved only after the handler
 * (whose inbox row commits with its effect) has returned, a message that keeps failing goes to
 * `<topic>.dlq` with the reason, and the partition moves on.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private deadLetterProducer?: Producer;
  private closing = false;
  /** Next offset to commit per `topic|partition`: what has been applied, committed or not. */
  private readonly appliedOffsets = new Map<
    string,
    { topic: string; partition: number; offset: string }
  >();
  private offsetsDirty = false;
  private idleCommitTimer?: NodeJS.Timeout;
  private batchesInFlight = 0;
  private batchesDone?: () => void;
  private readonly metrics = messagingMetrics();
  /**
   * kafkajs hands each partition of a fetch to its own `eachBatch`, so events produced together
   * (one outbox batch, keys spread over partitions) arrive as several one-event batches at once.
   * Chunks arriving in the same turn of the loop share one transaction instead of one each.
   */
  private readonly chunksTogether = new GroupCommit<DecodedChunk, true>(
    (_key, chunks) => this.applyChunks(chunks),
    { maxBatchSize: 32, maxConcurrentBatches: 2 },
  );

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    // The service must come up even while Kafka is down: readiness reports it, and this loop
    // keeps trying in the background.
    void this.startConsuming();
    callback();
  }

  /**
   * Stops taking new chunks, lets the one in flight finish, commits every applied offset, then
   * leaves the group: a clean stop redelivers nothing; a crash redelivers at most one commit
   * interval's worth, which the inbox absorbs.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.idleCommitTimer);
    if (this.batchesInFlight > 0)
      await new Promise<void>((resolve) => (this.batchesDone = resolve));
    await this.commitAppliedOffsets();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.deadLetterProducer?.disconnect().catch(() => undefined);
  }

  on(): never {
    throw new Error('KafkaEventServer does not expose client events; use metrics and logs');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private get prefix(): string {
    return this.options.topicPrefix ?? '';
  }

  private async startConsuming(): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length === 0) return;
    let delay = 500;
    while (!this.closing) {
      try {
        this.deadLetterProducer ??= createIdempotentProducer(this.options.kafka);
        await this.deadLetterProducer.connect();
        const consumer = this.options.kafka.consumer({
          groupId: this.options.groupId,
          allowAutoTopicCreation: false,
          ...(this.options.fetchBatching
            ? {
                minBytes: this.options.fetchBatching.minBytes,
                maxWaitTimeInMs: this.options.fetchBatching.maxWaitMs,
              }
            : {}),
          sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
          heartbeatInterval: Math.min(
            3_000,
            Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3),
          ),
          retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
        });
        this.consumer = consumer;
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart && !this.closing) {
            this.options.logger.error('kafka consumer crashed; starting a new one', {
              error: payload.error.message,
            });
            void consumer.disconnect().finally(() => void this.startConsuming());
          }
        });
        // A new assignment may have taken partitions away; their applied-but-uncommitted events are
        // redelivered to the new owner, whose inbox absorbs them.
        consumer.on(consumer.events.GROUP_JOIN, () => this.appliedOffsets.clear());
        await consumer.connect();
        await consumer.subscribe({
          topics: patterns.map((pattern) => this.prefix + pattern),
          fromBeginning: this.options.fromBeginning ?? true,
        });
        await consumer.run({
          // Offsets are committed by this server, on its interval or threshold and at close; kafkajs'
          // auto-commit would also commit after every fetched batch, whatever the interval.
          autoCommit: false,
          autoCommitInterval: this.options.commitIntervalMs ?? 1_000,
          autoCommitThreshold: this.options.commitThreshold ?? 200,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6,
          eachBatch: (payload) => this.handleBatch(payload),
        });
        // Within a stream of batches the interval is checked after each chunk; this covers the
        // quiet moments after the last one, so the group's position does not lag behind its effects.
        clearInterval(this.idleCommitTimer);
        this.idleCommitTimer = setInterval(
          () => void this.commitAppliedOffsets(),
          this.options.commitIntervalMs ?? 1_000,
        );
        this.idleCommitTimer.unref();
        this.options.logger.info('kafka consumer running', {
          groupId: this.options.groupId,
          topics: patterns,
        });
        return;
      } catch (error) {
        this.options.logger.warn('kafka consumer could not start; retrying', {
          error: error instanceof Error ? error.message : String(error),
          retryInMs: delay,
        });
        await this.consumer?.disconnect().catch(() => undefined);
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  private async commitAppliedOffsets(): Promise<void> {
    if (!this.offsetsDirty || this.batchesInFlight > 0 || !this.consumer) return;
    this.offsetsDirty = false;
    await this.consumer.commitOffsets([...this.appliedOffsets.values()]).catch((error: unknown) => {
      this.offsetsDirty = true;
      this.options.logger.warn('offset commit failed; retried on the next interval', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    this.batchesInFlight++;
    try {
      await this.handleChunks(payload);
    } finally {
      this.batchesInFlight--;
      if (this.batchesInFlight === 0) this.batchesDone?.();
    }
  }

  private async handleChunks(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const eventType = batch.topic.slice(this.prefix.length);
    const chunkSize = this.options.sharedTransaction
      ? (this.options.transactionChunkSize ?? 100)
      : 1;
    const applied = (message: KafkaMessage) => {
      payload.resolveOffset(message.offset);
      this.appliedOffsets.set(`${batch.topic}|${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(message.offset) + 1n).toString(),
      });
      this.offsetsDirty = true;
    };
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!payload.isRunning() || payload.isStale() || this.closing) return;
      const chunk = batch.messages.slice(start, start + chunkSize);
      const appliedTogether = await this.applyTogether(eventType, batch.partition, chunk);
      if (!appliedTogether) {
        for (const message of chunk) {
          if (!payload.isRunning() || payload.isStale()) return;
          await this.handleMessage(eventType, batch.partition, message, () => payload.heartbeat());
          applied(message);
        }
      } else {
        for (const message of chunk) applied(message);
      }
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
    }
    this.metrics.consumerLag.set(
      { group: this.options.groupId, topic: eventType, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  /**
   * The fast path: every delivery of the chunk in one transaction, shared with the chunks of other
   * partitions that arrive together. Resolves false, having changed nothing, when the chunk holds a
   * message that is not a plain success (unreadable, failing), so the caller replays it one
   * delivery at a time with retries and the dead-letter topic.
   */
  private async applyTogether(
    eventType: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Promise<boolean> {
    if (!this.options.sharedTransaction || !this.getHandlerByPattern(eventType)) return false;
    const deliveries: DecodedChunk['deliveries'] = [];
    for (const message of chunk) {
      const decoded = decodeEvent(message.value, eventType);
      if (!decoded.ok) return false;
      deliveries.push({ message, event: decoded.event });
    }
    // A failed joint transaction is replayed chunk by chunk; a chunk failing alone goes message by message.
    return this.chunksTogether
      .submit('chunks', { eventType, partition, deliveries })
      .catch(() => false);
  }

  private async applyChunks(chunks: readonly DecodedChunk[]): Promise<GroupCommitOutcome<true>[]> {
    const sharedTransaction = this.options.sharedTransaction;
    if (!sharedTransaction) throw new Error('unreachable: no shared transaction configured');
    const events = chunks.flatMap((chunk) => chunk.deliveries.map(({ event }) => event));
    const outcomes = await sharedTransaction(events, async () => {
      const results: { topic: string; outcome: unknown }[] = [];
      for (const { eventType, partition, deliveries } of chunks) {
        const handler = this.getHandlerByPattern(eventType);
        if (!handler) throw new Error(`unreachable: no handler for ${eventType}`);
        for (const { message, event } of deliveries) {
          const outcome = await this.invoke(handler, eventType, partition, message, event, 1);
          results.push({ topic: eventType, outcome });
        }
      }
      return results;
    });
    for (const { topic, outcome } of outcomes) {
      this.metrics.eventsConsumed.inc({
        topic,
        outcome: typeof outcome === 'string' ? outcome : 'processed',
      });
    }
    return chunks.map(() => ({ status: 'done', value: true }));
  }

  private async invoke(
    handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>,
    eventType: string,
    partition: number,
    message: KafkaMessage,
    event: CloudEvent<unknown>,
    attempt: number,
  ): Promise<unknown> {
    const delivery = {
      topic: eventType,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      attempt,
    };
    return context.with(contextFromHeaders(message.headers ?? {}), async (): Promise<unknown> =>
      lastValueFrom(
        this.transformToObservable(await handler(event, new KafkaEventContext([delivery]))),
        { defaultValue: 'processed' },
      ),
    );
  }

  private async handleMessage(
    eventType: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const decoded = decodeEvent(message.value, eventType);
    if (!decoded.ok) {
      await this.deadLetter(eventType, partition, message, decoded.reason, decoded.detail);
      return;
    }
    const handler = this.getHandlerByPattern(eventType);
    if (!handler) return;
    const maxAttempts = this.options.maxAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts && !this.closing;) {
      try {
        const outcome = await this.invoke(
          handler,
          eventType,
          partition,
          message,
          decoded.event,
          attempt,
        );
        this.metrics.eventsConsumed.inc({
          topic: eventType,
          outcome: typeof outcome === 'string' ? outcome : 'processed',
        });
        return;
      } catch (error) {
        lastError = error;
        const transient = isInfrastructureUnavailable(error);
        this.options.logger.warn('event handler failed', {
          topic: eventType,
          partition,
          offset: message.offset,
          eventId: decoded.event.id,
          attempt,
          transient,
          error: error instanceof Error ? error.message : String(error),
        });
        // An outage does not use up the message's attempts: the event is fine, the database is not.
        if (!transient) attempt++;
        await sleep(
          Math.min(
            (this.options.retryBackoffMs ?? 100) * 2 ** Math.min(attempt, 6),
            transient ? 5_000 : 2_000,
          ),
        );
        await heartbeat().catch(() => undefined);
      }
    }
    if (this.closing) throw new Error('consumer closing; message left for redelivery');
    await this.deadLetter(
      eventType,
      partition,
      message,
      'handler-failed',
      lastError instanceof Error ? lastError.message : String(lastError),
    );
  }

  private async deadLetter(
    eventType: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    detail: string,
  ): Promise<void> {
    const topic = this.prefix + deadLetterTopicOf(eventType);
    const producer = this.deadLetterProducer ?? createIdempotentProducer(this.options.kafka);
    this.deadLetterProducer = producer;
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...(message.headers ?? {}),
            [DLQ_HEADERS.reason]: reason,
            [DLQ_HEADERS.error]: detail.slice(0, 4_000),
            [DLQ_HEADERS.originalTopic]: eventType,
            [DLQ_HEADERS.originalPartition]: String(partition),
            [DLQ_HEADERS.originalOffset]: message.offset,
            [DLQ_HEADERS.consumerGroup]: this.options.groupId,
            [DLQ_HEADERS.deadLetteredAt]: new Date().toISOString(),
          },
        },
      ],
    });
    this.metrics.deadLettered.inc({ topic: eventType });
    this.metrics.eventsConsumed.inc({ topic: eventType, outcome: 'dead_lettered' });
    this.options.logger.error('message sent to dead-letter topic', {
      topic: eventType,
      partition,
      offset: message.offset,
      reason,
      detail,
    });
  }
}
