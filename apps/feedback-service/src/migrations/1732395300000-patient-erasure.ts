import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patient erasure requests and, per service that holds patient data, where it stands. The request
 * names the patient only by the blind index of their id: the clinic's id itself is not kept.
 */
export class PatientErasure1732395300000 implements MigrationInterface {
  name = 'PatientErasure1732395300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_erasure (
        erasure_id    uuid        NOT NULL PRIMARY KEY,
        org_id        uuid        NOT NULL,
        patient_index text        NOT NULL,
        session_count integer     NOT NULL,
        requested_by  text        NOT NULL,
        requested_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE patient_erasure_progress (
        erasure_id     uuid        NOT NULL REFERENCES patient_erasure (erasure_id) ON DELETE CASCADE,
        org_id         uuid        NOT NULL,
        service        text        NOT NULL,
        status         text        NOT NULL CHECK (status IN ('pending', 'done')),
        erased_records integer,
        reported_at    timestamptz,
        PRIMARY KEY (erasure_id, service)
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'patient_erasure');
    await enableTenantRowLevelSecurity(queryRunner, 'patient_erasure_progress');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_erasure_progress');
    await queryRunner.query('DROP TABLE patient_erasure');
  }
}
