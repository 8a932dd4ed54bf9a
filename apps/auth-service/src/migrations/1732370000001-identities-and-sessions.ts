import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identities, signing keys, refresh-token families and the two projections token claims need.
 * Identities, keys and sessions belong to no tenant (a person may work for several orgs), so they
 * have no RLS; the membership projection is tenant data and gets it, plus a read-only policy for
 * one identity's own rows, which login reads before any organization is chosen.
 */
export class IdentitiesAndSessions1732370000001 implements MigrationInterface {
  name = 'IdentitiesAndSessions1732370000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identity (
        id             uuid        PRIMARY KEY,
        email          text        NOT NULL UNIQUE,
        name           text        NOT NULL,
        password_hash  text        NOT NULL,
        last_org_id    uuid,
        -- TOTP secret sealed like the signing keys; pending until activated (totp_enabled_at).
        totp_secret_sealed   text,
        totp_enabled_at      timestamptz,
        -- Time step of the last accepted code: a code is accepted once.
        totp_last_time_step  bigint,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CHECK (email = lower(email))
      )`);
    await queryRunner.query(`
      CREATE TABLE recovery_code (
        identity_id  uuid        NOT NULL REFERENCES identity (id) ON DELETE CASCADE,
        -- SHA-256 of identity id and code: single-use codes of ~60 random bits need no slow hash.
        code_hash    bytea       NOT NULL,
        used_at      timestamptz,
        PRIMARY KEY (identity_id, code_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE signing_key (
        kid                 text        PRIMARY KEY,
        algorithm           text        NOT NULL DEFAULT 'RS256',
        public_jwk          jsonb       NOT NULL,
        -- PKCS#8 PEM sealed with a key-encryption key (AES-256-GCM, key id inside the value).
        private_key_sealed  text        NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Published at creation, signing from here on: verifiers learn a key before it is used.
        activates_at        timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX signing_key_activation_idx ON signing_key (activates_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE refresh_family (
        id             uuid        PRIMARY KEY,
        identity_id    uuid        NOT NULL REFERENCES identity (id) ON DELETE CASCADE,
        -- The org the session acts in, not an owner: a family belongs to its identity.
        active_org_id  uuid,
        mfa_verified   boolean     NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        revoked_at     timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query(
      `CREATE INDEX refresh_family_identity_idx ON refresh_family (identity_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE refresh_token (
        -- SHA-256 of the opaque token: a database leak gives no usable token.
        token_hash  bytea       PRIMARY KEY,
        family_id   uuid        NOT NULL REFERENCES refresh_family (id) ON DELETE CASCADE,
        status      text        NOT NULL CHECK (status IN ('active', 'used')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX refresh_token_family_idx ON refresh_token (family_id)`);

    await queryRunner.query(`
      CREATE TABLE org_membership (
        membership_id  uuid        PRIMARY KEY,
        org_id         uuid        NOT NULL,
        identity_id    uuid        NOT NULL,
        role           text        NOT NULL,
        revision       integer     NOT NULL,
        revoked        boolean     NOT NULL DEFAULT false,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX org_membership_identity_idx ON org_membership (identity_id) WHERE NOT revoked`,
    );
    await enableTenantRowLevelSecurity(queryRunner, 'org_membership');
    await queryRunner.query(`
      CREATE POLICY org_membership_identity_read ON org_membership FOR SELECT
        USING (identity_id = NULLIF(current_setting('app.identity_id', true), '')::uuid)`);

    // An organization's security policy as auth-service enforces it. Tenant data like the rest;
    // login reads it for every org of one identity at once, which the second policy allows.
    await queryRunner.query(`
      CREATE TABLE org_security_policy (
        org_id        uuid        PRIMARY KEY,
        mfa_required  boolean     NOT NULL,
        revision      integer     NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await enableTenantRowLevelSecurity(queryRunner, 'org_security_policy');
    await queryRunner.query(`
      CREATE POLICY org_security_policy_member_read ON org_security_policy FOR SELECT
        USING (org_id IN (
          SELECT m.org_id FROM org_membership m
           WHERE m.identity_id = NULLIF(current_setting('app.identity_id', true), '')::uuid))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'org_security_policy',
      'org_membership',
      'refresh_token',
      'refresh_family',
      'signing_key',
      'recovery_code',
      'identity',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
