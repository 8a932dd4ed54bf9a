import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrganizationsAndIdentities1732380000001 implements MigrationInterface {
  name = 'OrganizationsAndIdentities1732380000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Platform-level projection of auth-service's identities: no tenant, so no RLS.
    await queryRunner.query(`
      CREATE TABLE identities (
        identity_id   uuid        PRIMARY KEY,
        email         text        NOT NULL,
        name          text        NOT NULL,
        registered_at timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX identities_email ON identities (lower(email))');

    await queryRunner.query(`
      CREATE TABLE organizations (
        org_id              uuid        PRIMARY KEY,
        name                text        NOT NULL,
        settings            jsonb       NOT NULL,
        settings_revision   integer     NOT NULL,
        settings_updated_by uuid,
        settings_updated_at timestamptz NOT NULL,
        created_by          uuid,
        created_at          timestamptz NOT NULL
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'organizations');

    await queryRunner.query(`
      CREATE TABLE memberships (
        membership_id uuid        PRIMARY KEY,
        org_id        uuid        NOT NULL REFERENCES organizations (org_id),
        identity_id   uuid        NOT NULL,
        role          text        NOT NULL,
        revision      integer     NOT NULL,
        granted_by    uuid,
        granted_at    timestamptz NOT NULL,
        revoked_by    uuid,
        revoked_at    timestamptz,
        UNIQUE (org_id, identity_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX memberships_active_role ON memberships (org_id, role) WHERE revoked_at IS NULL',
    );
    await enableTenantRowLevelSecurity(queryRunner, 'memberships');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE memberships');
    await queryRunner.query('DROP TABLE organizations');
    await queryRunner.query('DROP TABLE identities');
  }
}
