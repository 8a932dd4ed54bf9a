import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Surveys and their versions. A version is a draft until published, then frozen: a trigger refuses
 * any change to a published row, so "answers refer to the version they were given on" holds even
 * against a buggy query. Distribution rules live on the survey, not in a version (README: design
 * notes), with a revision so consumers can tell which set is newer.
 */
export class Surveys1732390000001 implements MigrationInterface {
  name = 'Surveys1732390000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE survey (
        survey_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
        latest_version integer NOT NULL DEFAULT 1,
        published_version integer,
        distribution_rules jsonb NOT NULL DEFAULT '[]'::jsonb,
        distribution_revision integer NOT NULL DEFAULT 0,
        revision integer NOT NULL DEFAULT 1,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX survey_org_created_idx ON survey (org_id, created_at DESC, survey_id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE survey_version (
        survey_id uuid NOT NULL REFERENCES survey (survey_id),
        version integer NOT NULL CHECK (version >= 1),
        org_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'published')),
        title text NOT NULL,
        default_language text NOT NULL,
        definition jsonb NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid,
        published_at timestamptz,
        PRIMARY KEY (survey_id, version)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION survey_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'survey % version % is published and immutable', OLD.survey_id, OLD.version
          USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER survey_version_frozen BEFORE UPDATE OR DELETE ON survey_version
        FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION survey_version_frozen()`);
    await enableTenantRowLevelSecurity(queryRunner, 'survey');
    await enableTenantRowLevelSecurity(queryRunner, 'survey_version');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE survey_version`);
    await queryRunner.query(`DROP FUNCTION survey_version_frozen`);
    await queryRunner.query(`DROP TABLE survey`);
  }
}
