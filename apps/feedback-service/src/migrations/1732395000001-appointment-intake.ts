import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per appointment received over HTTP: the idempotency key (org, external appointment id)
 * and the id of the event it produced. No patient data: the event carries it, this table does not.
 */
export class AppointmentIntake1732395000001 implements MigrationInterface {
  name = 'AppointmentIntake1732395000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE appointment_intake (
        org_id                  uuid        NOT NULL,
        external_appointment_id text        NOT NULL CHECK (length(external_appointment_id) BETWEEN 1 AND 128),
        event_id                uuid        NOT NULL,
        source_format           text        NOT NULL CHECK (source_format IN ('native', 'fhir', 'hl7v2')),
        payload_sha256          text        NOT NULL,
        received_by             text        NOT NULL,
        received_at             timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, external_appointment_id)
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'appointment_intake');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE appointment_intake');
  }
}
