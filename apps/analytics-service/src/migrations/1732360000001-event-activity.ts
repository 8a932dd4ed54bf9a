import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventActivity1732360000001 implements MigrationInterface {
  name = 'EventActivity1732360000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE event_activity_daily (
        org_id      uuid   NOT NULL,
        event_type  text   NOT NULL,
        day         date   NOT NULL,
        event_count bigint NOT NULL,
        PRIMARY KEY (org_id, day, event_type)
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'event_activity_daily');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE event_activity_daily');
  }
}
