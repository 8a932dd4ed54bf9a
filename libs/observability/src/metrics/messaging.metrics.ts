import type { Counter, Gauge } from 'prom-client';
import { getOrCreateCounter, getOrCreateGauge } from './metric.registry';

/** Names of the messaging series, shared by the messaging lib, dashboards and alert rules. */
export const MessagingMetricName = {
  OutboxBacklog: 'careloop_outbox_backlog',
  ConsumerLag: 'careloop_consumer_lag',
  EventsPublished: 'careloop_events_published_total',
  EventsConsumed: 'careloop_events_consumed_total',
  DeadLettered: 'careloop_dead_lettered_total',
} as const;

/**
 * How a consumed event ended (STYLE §3): `processed`, `duplicate` (inbox hit), `skipped` (state
 * moved on), `failed` (will be retried) or `dead_lettered` (sent to `<topic>.dlq`).
 */
export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'failed' | 'dead_lettered';

export interface MessagingMetrics {
  /** Outbox rows not yet published; rising means the relay or Kafka is behind. */
  outboxBacklog: Gauge;
  /** Latest offset minus committed offset, per partition of a consumer group. */
  consumerLag: Gauge<'topic' | 'partition' | 'group'>;
  eventsPublished: Counter<'topic'>;
  eventsConsumed: Counter<'topic' | 'outcome'>;
  deadLettered: Counter<'topic'>;
}

/**
 * The messaging metrics, created on first use and shared afterwards, so the relay, the consumers
 * and tests can all call this without double registration.
 */
export function messagingMetrics(): MessagingMetrics {
  return {
    outboxBacklog: getOrCreateGauge({
      name: MessagingMetricName.OutboxBacklog,
      help: 'Outbox rows waiting to be published to Kafka',
    }),
    consumerLag: getOrCreateGauge({
      name: MessagingMetricName.ConsumerLag,
      help: 'Messages between the committed offset and the end of a partition, per consumer group',
      labelNames: ['topic', 'partition', 'group'] as const,
    }),
    eventsPublished: getOrCreateCounter({
      name: MessagingMetricName.EventsPublished,
      help: 'Events published to Kafka by the outbox relay',
      labelNames: ['topic'] as const,
    }),
    eventsConsumed: getOrCreateCounter({
      name: MessagingMetricName.EventsConsumed,
      help: 'Events handled by consumers, by outcome',
      labelNames: ['topic', 'outcome'] as const,
    }),
    deadLettered: getOrCreateCounter({
      name: MessagingMetricName.DeadLettered,
      help: 'Events sent to a dead-letter topic after exhausting their attempts',
      labelNames: ['topic'] as const,
    }),
  };
}
