import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The erasure requests this service applied: its own evidence, holding no patient data. */
export class PatientErasure1732399000001 implements MigrationInterface {
  name = 'PatientErasure1732399000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_erasure_applied (
        erasure_request_id uuid        NOT NULL PRIMARY KEY,
        org_id             uuid        NOT NULL,
        erased_records     integer     NOT NULL,
        applied_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'patient_erasure_applied');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_erasure_applied');
  }
}
