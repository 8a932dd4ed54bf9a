import { enableTenantRowLevelSecurity } from '@careloop/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integration clients (OAuth 2.0 client credentials) of an organization: tenant data with RLS.
 * The token endpoint knows only the client id, not yet the org, so a second read-only policy
 * shows exactly the row whose id the transaction names in `app.oauth_client_id`.
 */
export class OauthClients1732370000002 implements MigrationInterface {
  name = 'OauthClients1732370000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_client (
        client_id    text        PRIMARY KEY,
        org_id       uuid        NOT NULL,
        name         text        NOT NULL,
        -- SHA-256 of a 256-bit random secret: brute force is out of reach, so no slow hash.
        secret_hash  bytea       NOT NULL,
        scopes       text[]      NOT NULL,
        created_by   uuid,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX oauth_client_org_idx ON oauth_client (org_id, created_at, client_id)`,
    );
    await enableTenantRowLevelSecurity(queryRunner, 'oauth_client');
    await queryRunner.query(`
      CREATE POLICY oauth_client_authentication_read ON oauth_client FOR SELECT
        USING (client_id = NULLIF(current_setting('app.oauth_client_id', true), ''))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS oauth_client');
  }
}
