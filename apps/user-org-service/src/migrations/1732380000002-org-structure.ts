import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrgStructure1732380000002 implements MigrationInterface {
  name = 'OrgStructure1732380000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // external_id: the code a hospital's system sends in appointments, unique per org and kind.
    await queryRunner.query(`
      CREATE TABLE sites (
        site_id     uuid        PRIMARY KEY,
        org_id      uuid        NOT NULL REFERENCES organizations (org_id),
        name        text        NOT NULL,
        external_id text,
        timezone    text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, site_id),
        UNIQUE (org_id, external_id)
      )`);
    await queryRunner.query('CREATE INDEX sites_by_name ON sites (org_id, name, site_id)');
    await enableTenantRowLevelSecurity(queryRunner, 'sites');

    await queryRunner.query(`
      CREATE TABLE departments (
        department_id uuid        PRIMARY KEY,
        org_id        uuid        NOT NULL,
        site_id       uuid        NOT NULL,
        name          text        NOT NULL,
        external_id   text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, external_id),
        FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, site_id) ON DELETE RESTRICT
      )`);
    await queryRunner.query(
      'CREATE INDEX departments_by_name ON departments (org_id, name, department_id)',
    );
    await queryRunner.query('CREATE INDEX departments_by_site ON departments (org_id, site_id)');
    await enableTenantRowLevelSecurity(queryRunner, 'departments');

    await queryRunner.query(`
      CREATE TABLE providers (
        provider_id uuid        PRIMARY KEY,
        org_id      uuid        NOT NULL REFERENCES organizations (org_id),
        name        text        NOT NULL,
        external_id text,
        specialty   text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, external_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX providers_by_name ON providers (org_id, name, provider_id)',
    );
    await enableTenantRowLevelSecurity(queryRunner, 'providers');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE providers');
    await queryRunner.query('DROP TABLE departments');
    await queryRunner.query('DROP TABLE sites');
  }
}
