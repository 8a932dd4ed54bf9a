import type { KafkaConfig, logCreator, Producer } from 'kafkajs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

export interface KafkaConnectionOptions {
  clientId: string;
  /** Comma-separated host:port list, as in KAFKA_BROKERS. */
  brokers: string;
  /** Receives kafkajs' own log lines; they are routed into the service's JSON logger. */
  log?: (
    level: 'error' | 'warn' | 'info' | 'debug',
    message: string,
    extra: Record<string, unknown>,
  ) => void;
}

const levelNames = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
  [logLevel.NOTHING]: 'debug',
} as const;

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const creator: logCreator = () => (entry) => {
    const { message, ...extra } = entry.log;
    options.log?.(levelNames[entry.level] ?? 'info', String(message), {
      namespace: entry.namespace,
      ...extra,
    });
  };
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers.split(',').map((broker) => broker.trim()),
    logLevel: logLevel.WARN,
    logCreator: creator,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Outages are handled by the outbox and the consumer loop; kafkajs' own retries stay short so
    // the callers see failures and back off themselves.
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5_000 },
  };
  return new Kafka(config);
}

/**
 * The one producer configuration: idempotent (no duplicates from producer retries), acks=all, one
 * request in flight so retries cannot reorder a partition, and the murmur2 partitioner so a key
 * maps to the same partition as in the Java clients hospitals may use.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}
