import type { EventPayloadMap, EventType } from '@careloop/contracts';
import { buildEvent } from '@careloop/contracts';
import type { EntityManager } from 'typeorm';
import { captureTraceHeaders } from '../tracing/trace-propagation';

export interface AppendEventInput<K extends EventType> {
  /** The aggregate id: becomes the CloudEvents subject and the Kafka key, so its events stay ordered. */
  subject: string;
  orgId?: string;
  data: EventPayloadMap[K];
  /** Set when the caller derives the id itself (e.g. to make a retried command produce the same event). */
  id?: string;
}

export interface AppendedEvent {
  eventId: string;
}

/**
 * Writes an event into the outbox inside the caller's transaction, so the state change and the
 * event commit or roll back together (no dual write). The payload is validated here, on produce.
 */
export class OutboxWriter {
  constructor(private readonly source: string) {}

  async append<K extends EventType>(
    manager: EntityManager,
    type: K,
    input: AppendEventInput<K>,
  ): Promise<AppendedEvent> {
    const event = buildEvent(type, {
      source: this.source,
      subject: input.subject,
      orgId: input.orgId,
      data: input.data,
      id: input.id,
    });
    await manager.query(
      `INSERT INTO outbox_message (event_id, topic, message_key, payload, headers)
       VALUES ($1, $2, $3, $4, $5)`,
      [event.id, type, input.subject, JSON.stringify(event), JSON.stringify(captureTraceHeaders())],
    );
    return { eventId: event.id };
  }
}
