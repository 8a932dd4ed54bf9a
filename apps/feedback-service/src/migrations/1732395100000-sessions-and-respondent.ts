import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections of survey-service and user-org-service (event-carried state), feedback sessions with
 * their sealed patient contact, drafts synced from Redis, responses and opt-outs. Every table is a
 * tenant table: `org_id` plus row-level security.
 */
export class SessionsAndRespondent1732395100000 implements MigrationInterface {
  name = 'SessionsAndRespondent1732395100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Frozen versions as survey.published carried them; never updated once written.
    await queryRunner.query(`
      CREATE TABLE survey_version (
        org_id             uuid        NOT NULL,
        survey_id          uuid        NOT NULL,
        version            integer     NOT NULL CHECK (version >= 1),
        title              text        NOT NULL,
        default_language   text        NOT NULL,
        languages          text[]      NOT NULL,
        definition         jsonb       NOT NULL,
        distribution_rules jsonb       NOT NULL,
        published_at       timestamptz NOT NULL,
        PRIMARY KEY (org_id, survey_id, version)
      )`);
    // Per survey: its latest version and how far it is archived. A survey is live while its latest
    // version is above the archived one, whatever order the two topics deliver in.
    await queryRunner.query(`
      CREATE TABLE survey_distribution (
        org_id                  uuid    NOT NULL,
        survey_id               uuid    NOT NULL,
        latest_version          integer NOT NULL DEFAULT 0,
        archived_through_version integer NOT NULL DEFAULT 0,
        PRIMARY KEY (org_id, survey_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE org_settings (
        org_id     uuid        NOT NULL PRIMARY KEY,
        revision   integer     NOT NULL,
        settings   jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE feedback_session (
        session_id              uuid        NOT NULL PRIMARY KEY,
        org_id                  uuid        NOT NULL,
        external_appointment_id text        NOT NULL,
        status                  text        NOT NULL CHECK (status IN ('open', 'skipped')),
        skip_reason             text,
        survey_id               uuid,
        survey_version          integer,
        channel                 text CHECK (channel IN ('email', 'sms')),
        language                text,
        timezone                text,
        send_at                 timestamptz,
        expires_at              timestamptz,
        token_nonce_sha256      bytea,
        patient_index           text        NOT NULL,
        email_index             text,
        phone_index             text,
        name_sealed             text,
        email_sealed            text,
        phone_sealed            text,
        appointment_type        text,
        department              text,
        site                    text,
        provider                text,
        appointment_ended_at    timestamptz NOT NULL,
        opted_out_at            timestamptz,
        created_at              timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, external_appointment_id),
        CHECK (status = 'skipped' OR (survey_id IS NOT NULL AND token_nonce_sha256 IS NOT NULL))
      )`);
    // The re-survey suppression look-up: this patient's invited sessions around a date.
    await queryRunner.query(`
      CREATE INDEX feedback_session_patient ON feedback_session (org_id, patient_index, appointment_ended_at)
        WHERE status = 'open'`);
    await queryRunner.query(`
      CREATE TABLE session_draft (
        session_id uuid        NOT NULL PRIMARY KEY REFERENCES feedback_session (session_id) ON DELETE CASCADE,
        org_id     uuid        NOT NULL,
        answers    jsonb       NOT NULL,
        saved_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE survey_response (
        response_id    uuid        NOT NULL PRIMARY KEY,
        session_id     uuid        NOT NULL UNIQUE REFERENCES feedback_session (session_id) ON DELETE CASCADE,
        org_id         uuid        NOT NULL,
        survey_id      uuid        NOT NULL,
        survey_version integer     NOT NULL,
        language       text        NOT NULL,
        answers        jsonb       NOT NULL,
        answers_sha256 text        NOT NULL,
        submitted_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX survey_response_submitted ON survey_response (org_id, submitted_at)`,
    );
    // One row per opted-out contact (blind index of an email, a phone or the patient's id).
    await queryRunner.query(`
      CREATE TABLE opt_out (
        org_id        uuid        NOT NULL,
        contact_index text        NOT NULL,
        contact_kind  text        NOT NULL CHECK (contact_kind IN ('email', 'phone', 'patient')),
        source        text        NOT NULL CHECK (source IN ('respondent', 'staff')),
        session_id    uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, contact_index)
      )`);
    for (const table of [
      'survey_version',
      'survey_distribution',
      'org_settings',
      'feedback_session',
      'session_draft',
      'survey_response',
      'opt_out',
    ]) {
      await enableTenantRowLevelSecurity(queryRunner, table);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'opt_out',
      'survey_response',
      'session_draft',
      'feedback_session',
      'org_settings',
      'survey_distribution',
      'survey_version',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
