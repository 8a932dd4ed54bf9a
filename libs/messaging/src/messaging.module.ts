import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { InboxRunner } from './inbox/inbox.runner';
import { createIdempotentProducer, createKafka } from './kafka/kafka-client.factory';
import type { KafkaEventServerOptions } from './kafka/kafka-event.server';
import { KafkaEventServer } from './kafka/kafka-event.server';
import type { MessagingLogger } from './messaging.logger';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';

export interface MessagingOptions {
  /** e.g. `feedback-service`: the CloudEvents source, the consumer group and the relay's lock name. */
  serviceName: string;
  /** Comma-separated host:port list. */
  brokers: string;
  topicPrefix?: string;
  /** false in processes that only consume (e.g. a replay tool). */
  relay?: boolean;
  consumer?: Pick<
    KafkaEventServerOptions,
    'commitIntervalMs' | 'commitThreshold' | 'sessionTimeoutMs' | 'fetchBatching'
  >;
}

export const KAFKA = Symbol('Kafka');
export const MESSAGING_OPTIONS = Symbol('MessagingOptions');

/** Adapts Nest's logger (backed by pino in every service) to the messaging runtime. */
export function nestMessagingLogger(context: string): MessagingLogger {
  const logger = new Logger(context);
  return {
    info: (message, details) => logger.log({ msg: message, ...details }),
    warn: (message, details) => logger.warn({ msg: message, ...details }),
    error: (message, details) => logger.error({ msg: message, ...details }),
  };
}

/**
 * Wires the outbox (writer + relay), the inbox runner and the Kafka client for one service.
 * The consuming side is a Nest transport strategy: see `createEventServer`.
 */
@Global()
@Module({})
export class MessagingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              clientId: options.serviceName,
              brokers: options.brokers,
              log: kafkaLogBridge(options.serviceName),
            }),
        },
        {
          provide: OutboxWriter,
          useFactory: () => new OutboxWriter(`/careloop/${options.serviceName}`),
        },
        {
          provide: InboxRunner,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new InboxRunner(dataSource),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, KAFKA],
          useFactory: (dataSource: DataSource, kafka: Kafka) =>
            new OutboxRelay({
              dataSource,
              createProducer: () => createIdempotentProducer(kafka),
              serviceName: options.serviceName,
              topicPrefix: options.topicPrefix,
              logger: nestMessagingLogger('OutboxRelay'),
            }),
        },
      ],
      exports: [KAFKA, OutboxWriter, InboxRunner, OutboxRelay],
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.relay !== false) this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * A service's consumer group, namespaced like its topics: deployments (or test stacks) sharing one
 * cluster under different prefixes must not share a group, or Kafka hands one deployment's partitions
 * to another's consumers.
 */
export function consumerGroupOf(
  options: Pick<MessagingOptions, 'serviceName' | 'topicPrefix'>,
): string {
  return `${options.topicPrefix ?? ''}${options.serviceName}`;
}

/** The consuming half, to pass to `app.connectMicroservice({ strategy })`. */
export function createEventServer(
  kafka: Kafka,
  inbox: InboxRunner,
  options: MessagingOptions,
): KafkaEventServer {
  return new KafkaEventServer({
    kafka,
    sharedTransaction: (events, work) => inbox.inSharedTransaction(events, work),
    groupId: consumerGroupOf(options),
    topicPrefix: options.topicPrefix,
    logger: nestMessagingLogger('KafkaEventServer'),
    ...options.consumer,
  });
}

function kafkaLogBridge(serviceName: string) {
  const logger = nestMessagingLogger(`kafkajs:${serviceName}`);
  return (
    level: 'error' | 'warn' | 'info' | 'debug',
    message: string,
    extra: Record<string, unknown>,
  ) => {
    if (level === 'error') logger.error(message, extra);
    // The relay recreates its producer after any give-up, so a bounded retry cannot reuse a stale
    // sequence number; the warning kafkajs prints for it at every start is noise here.
    else if (
      level === 'warn' &&
      !message.startsWith('Limiting retries for the idempotent producer')
    )
      logger.warn(message, extra);
  };
}
