import type { EventPayloadMap, EventType } from '@careloop/contracts';
import { buildEvent } from '@careloop/contracts';
import type { EntityManager } from 'typeorm';
import type { MessageHeaders } from '../tracing/trace-propagation';
import { captureTraceHeaders } from '../tracing/trace-propagation';

export interface AppendEventInput<K extends EventType> {
  /** The aggregate id: becomes the CloudEvents subject and the Kafka key, so its events stay ordered. */
  subject: string;
  orgId?: string;
  data: EventPayloadMap[K];
  /** Set when the caller derives the id itself (e.g. to make a retried command produce the same event). */
  id?: string;
  /**
   * The trace context of the event's cause, when the event is written away from it (a batch written
   * for many requests); by default the context active at the call.
   */
  traceHeaders?: MessageHeaders;
}

export interface AppendedEvent {
  eventId: string;
}

/** Anything that runs SQL: an EntityManager, a DataSource, a QueryRunner. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface StateChange {
  /** A data-modifying statement with RETURNING; the event is written only if it returns a row. */
  sql: string;
  parameters: unknown[];
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
    const row = this.outboxRow(type, input);
    await manager.query(
      `INSERT INTO outbox_message (event_id, topic, message_key, payload, headers) VALUES ($1, $2, $3, $4, $5)`,
      row,
    );
    return { eventId: row[0] as string };
  }

  /**
   * Many events in one statement, inside the caller's transaction: what a batch (e.g. an intake of a
   * thousand appointments) uses, so its cost does not grow by a round trip per event.
   */
  async appendMany<K extends EventType>(
    executor: SqlExecutor,
    type: K,
    inputs: readonly AppendEventInput<K>[],
  ): Promise<AppendedEvent[]> {
    if (inputs.length === 0) return [];
    const rows = inputs.map((input) => this.outboxRow(type, input));
    const column = (index: number) => rows.map((row) => row[index]);
    await executor.query(
      `INSERT INTO outbox_message (event_id, topic, message_key, payload, headers)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [column(0), column(1), column(2), column(3), column(4)],
    );
    return rows.map((row) => ({ eventId: row[0] as string }));
  }

  /**
   * The hot-path form: the state change and its outbox row in ONE statement (a data-modifying CTE),
   * so one round trip and no explicit transaction. Returns null when the state change returned no
   * row (e.g. `ON CONFLICT DO NOTHING` hit an existing row): then no event is written either.
   */
  async appendWith<K extends EventType>(
    executor: SqlExecutor,
    change: StateChange,
    type: K,
    input: AppendEventInput<K>,
  ): Promise<AppendedEvent | null> {
    const row = this.outboxRow(type, input);
    const offset = change.parameters.length;
    const placeholders = row.map((_, index) => `$${offset + index + 1}`);
    const written = (await executor.query(
      `WITH state_change AS (${change.sql})
       INSERT INTO outbox_message (event_id, topic, message_key, payload, headers)
       SELECT ${placeholders[0]}::uuid, ${placeholders[1]}, ${placeholders[2]}, ${placeholders[3]}, ${placeholders[4]}
         FROM (SELECT 1 FROM state_change LIMIT 1) AS changed
       RETURNING event_id`,
      [...change.parameters, ...row],
    )) as unknown[];
    return written.length > 0 ? { eventId: row[0] as string } : null;
  }

  /**
   * `appendWith` for many aggregates in one statement: `change` returns a text `subject` for each
   * aggregate it changed, and the events of exactly those subjects are written with it (one per
   * subject). Answers the subjects whose events were written; the others changed nothing (e.g. a
   * concurrent writer got there first).
   */
  async appendForChanged<K extends EventType>(
    executor: SqlExecutor,
    change: StateChange,
    type: K,
    inputs: readonly AppendEventInput<K>[],
  ): Promise<Set<string>> {
    if (inputs.length === 0) return new Set();
    const rows = inputs.map((input) => this.outboxRow(type, input));
    const column = (index: number) => rows.map((row) => row[index]);
    const offset = change.parameters.length;
    const written = (await executor.query(
      `WITH state_change AS (${change.sql})
       INSERT INTO outbox_message (event_id, topic, message_key, payload, headers)
       SELECT o.event_id, o.topic, o.message_key, o.payload, o.headers
         FROM unnest($${offset + 1}::uuid[], $${offset + 2}::text[], $${offset + 3}::text[], $${offset + 4}::text[], $${offset + 5}::text[])
              AS o(event_id, topic, message_key, payload, headers)
         JOIN state_change ON state_change.subject = o.message_key
       RETURNING message_key`,
      [...change.parameters, column(0), column(1), column(2), column(3), column(4)],
    )) as { message_key: string }[];
    return new Set(written.map((row) => row.message_key));
  }

  private outboxRow<K extends EventType>(type: K, input: AppendEventInput<K>): unknown[] {
    const event = buildEvent(type, {
      source: this.source,
      subject: input.subject,
      orgId: input.orgId,
      data: input.data,
      id: input.id,
    });
    return [
      event.id,
      type,
      input.subject,
      JSON.stringify(event),
      JSON.stringify(input.traceHeaders ?? captureTraceHeaders()),
    ];
  }
}
