import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Migration helper for the two tables every service needs: the outbox (events waiting to be
 * published, written in the state change's transaction) and the inbox (ids of events already
 * applied, written in the effect's transaction). Called from each service's first migration.
 */
export async function createMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE outbox_message (
      id           bigserial PRIMARY KEY,
      event_id     uuid        NOT NULL UNIQUE,
      topic        text        NOT NULL,
      message_key  text        NOT NULL,
      -- The serialized CloudEvent, stored as text: the outbox is a queue, never queried by content,
      -- so Postgres need not parse JSON on the hot path (cast to jsonb to inspect a row).
      payload      text        NOT NULL,
      headers      text        NOT NULL DEFAULT '{}',
      status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
      attempts     integer     NOT NULL DEFAULT 0,
      last_error   text,
      created_at   timestamptz NOT NULL DEFAULT now()
    )`);
  // The relay only ever scans pending rows in id order; a partial index keeps that scan tiny.
  // Published rows are deleted (Kafka is their record), so the table stays small.
  await queryRunner.query(
    `CREATE INDEX outbox_message_pending_idx ON outbox_message (id) WHERE status = 'pending'`,
  );
  await queryRunner.query(`
    CREATE TABLE inbox_message (
      event_id      uuid        NOT NULL,
      consumer      text        NOT NULL,
      event_type    text        NOT NULL,
      outcome       text        NOT NULL CHECK (outcome IN ('processed', 'skipped')),
      processed_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, consumer)
    )`);
}

/** The channel on which a committed outbox insert wakes the relay. */
export const OUTBOX_CHANNEL = 'careloop_outbox';

/**
 * A statement-level trigger that NOTIFYs the relay when outbox rows are inserted. Postgres
 * delivers the notification at commit (never for a rollback) and folds identical ones within a
 * transaction, so a batch insert wakes the relay once; the relay no longer polls an empty table
 * every few milliseconds in every service.
 */
export async function createOutboxNotification(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION careloop_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
      RETURN NULL;
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
      FOR EACH STATEMENT EXECUTE FUNCTION careloop_outbox_notify()`);
}

export async function dropMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query('DROP TABLE IF EXISTS inbox_message');
  await queryRunner.query('DROP TABLE IF EXISTS outbox_message');
  await queryRunner.query('DROP FUNCTION IF EXISTS careloop_outbox_notify()');
}

/** The first migration of every service: its outbox and inbox. */
export class MessagingTables1732360000000 implements MigrationInterface {
  name = 'MessagingTables1732360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}

/** Every service's second shared migration: the outbox wakes its relay on commit. */
export class OutboxNotification1732500000000 implements MigrationInterface {
  name = 'OutboxNotification1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxNotification(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER IF EXISTS outbox_message_notify ON outbox_message');
    await queryRunner.query('DROP FUNCTION IF EXISTS careloop_outbox_notify()');
  }
}
