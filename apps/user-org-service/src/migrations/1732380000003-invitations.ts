import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Invitations1732380000003 implements MigrationInterface {
  name = 'Invitations1732380000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Only the SHA-256 of the token is kept: a leaked table does not let anyone join an org.
    await queryRunner.query(`
      CREATE TABLE invitations (
        invitation_id uuid        PRIMARY KEY,
        org_id        uuid        NOT NULL REFERENCES organizations (org_id),
        email         text        NOT NULL,
        role          text        NOT NULL,
        token_hash    bytea       NOT NULL UNIQUE,
        invited_by    uuid        NOT NULL,
        created_at    timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL,
        accepted_by   uuid,
        accepted_at   timestamptz,
        revoked_by    uuid,
        revoked_at    timestamptz
      )`);
    await queryRunner.query(
      'CREATE INDEX invitations_by_time ON invitations (org_id, created_at DESC, invitation_id)',
    );
    await enableTenantRowLevelSecurity(queryRunner, 'invitations');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE invitations');
  }
}
