import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEntries1732380000004 implements MigrationInterface {
  name = 'AuditEntries1732380000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entries (
        audit_id       uuid        PRIMARY KEY,
        org_id         uuid        NOT NULL,
        actor_id       text        NOT NULL,
        actor_type     text        NOT NULL,
        action         text        NOT NULL,
        target_type    text        NOT NULL,
        target_id      text        NOT NULL,
        outcome        text        NOT NULL,
        source_ip      inet,
        correlation_id text,
        metadata       jsonb,
        occurred_at    timestamptz NOT NULL,
        source         text        NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX audit_entries_by_time ON audit_entries (org_id, occurred_at DESC, audit_id DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX audit_entries_by_actor ON audit_entries (org_id, actor_id, occurred_at DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX audit_entries_by_action ON audit_entries (org_id, action, occurred_at DESC)',
    );
    await enableTenantRowLevelSecurity(queryRunner, 'audit_entries');

    // Append-only, enforced by the database itself: not even the service's own role (the table
    // owner) can change or remove an entry.
    await queryRunner.query(`
      CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_entries_append_only
        BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_entries_no_truncate
        BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_entries');
    await queryRunner.query('DROP FUNCTION audit_entries_refuse_change()');
  }
}
