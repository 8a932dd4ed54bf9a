import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rules staff define per organization, and the alerts they raised: one per (response, rule),
 * which the unique key enforces, so a redelivered or replayed response raises nothing twice.
 */
export class AlertRules1732395200000 implements MigrationInterface {
  name = 'AlertRules1732395200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alert_rule (
        rule_id    uuid        NOT NULL PRIMARY KEY,
        org_id     uuid        NOT NULL,
        name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        severity   text        NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
        survey_id  uuid,
        condition  jsonb       NOT NULL,
        enabled    boolean     NOT NULL DEFAULT true,
        created_by text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX alert_rule_org ON alert_rule (org_id, created_at, rule_id)`,
    );
    // No foreign key to alert_rule: deleting a rule keeps the alerts it raised (staff history).
    await queryRunner.query(`
      CREATE TABLE feedback_alert (
        alert_id       uuid        NOT NULL PRIMARY KEY,
        org_id         uuid        NOT NULL,
        rule_id        uuid        NOT NULL,
        response_id    uuid        NOT NULL,
        session_id     uuid        NOT NULL,
        survey_id      uuid        NOT NULL,
        survey_version integer     NOT NULL,
        severity       text        NOT NULL,
        triggers       jsonb       NOT NULL,
        raised_at      timestamptz NOT NULL,
        UNIQUE (org_id, response_id, rule_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX feedback_alert_session ON feedback_alert (org_id, session_id)`,
    );
    await enableTenantRowLevelSecurity(queryRunner, 'alert_rule');
    await enableTenantRowLevelSecurity(queryRunner, 'feedback_alert');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE feedback_alert');
    await queryRunner.query('DROP TABLE alert_rule');
  }
}
