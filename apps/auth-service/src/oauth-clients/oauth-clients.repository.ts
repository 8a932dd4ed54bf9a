import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface OauthClientRecord {
  clientId: string;
  orgId: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface OauthClientCredentials extends OauthClientRecord {
  secretHash: Buffer;
}

interface ClientRow {
  client_id: string;
  org_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
  secret_hash?: Buffer;
}

function toRecord(row: ClientRow): OauthClientRecord {
  return {
    clientId: row.client_id,
    orgId: row.org_id,
    name: row.name,
    scopes: row.scopes,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}

@Injectable()
export class OauthClientsRepository {
  async insert(
    manager: EntityManager,
    orgId: string,
    client: {
      clientId: string;
      name: string;
      secretHash: Buffer;
      scopes: string[];
      createdBy: string | null;
    },
  ): Promise<void> {
    await bindTenant(manager, orgId);
    await manager.query(
      `INSERT INTO oauth_client (client_id, org_id, name, secret_hash, scopes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [client.clientId, orgId, client.name, client.secretHash, client.scopes, client.createdBy],
    );
  }

  /** Active clients, oldest first, keyset-paginated on (created_at, client_id). */
  async listActive(
    manager: EntityManager,
    orgId: string,
    page: { limit: number; after?: { createdAt: string; clientId: string } },
  ): Promise<OauthClientRecord[]> {
    await bindTenant(manager, orgId);
    const rows: ClientRow[] = await manager.query(
      `SELECT client_id, org_id, name, scopes, created_at, revoked_at FROM oauth_client
        WHERE org_id = $1 AND revoked_at IS NULL
          AND ($2::timestamptz IS NULL OR (created_at, client_id) > ($2::timestamptz, $3::text))
        ORDER BY created_at, client_id LIMIT $4`,
      [orgId, page.after?.createdAt ?? null, page.after?.clientId ?? null, page.limit],
    );
    return rows.map(toRecord);
  }

  /** False when no active client of this org has that id. */
  async revoke(manager: EntityManager, orgId: string, clientId: string): Promise<boolean> {
    await bindTenant(manager, orgId);
    // In a CTE so the answer is rows: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await manager.query(
      `WITH revoked AS (
         UPDATE oauth_client SET revoked_at = now()
          WHERE org_id = $1 AND client_id = $2 AND revoked_at IS NULL RETURNING client_id)
       SELECT client_id FROM revoked`,
      [orgId, clientId],
    );
    return rows.length > 0;
  }

  /**
   * The token endpoint's look-up, before any org is known: the transaction may see this one
   * client's row (policy `oauth_client_authentication_read`), and no other.
   */
  async findForAuthentication(
    manager: EntityManager,
    clientId: string,
  ): Promise<OauthClientCredentials | undefined> {
    await manager.query(`SELECT set_config('app.oauth_client_id', $1, true)`, [clientId]);
    const rows: Required<ClientRow>[] = await manager.query(
      `SELECT client_id, org_id, name, scopes, created_at, revoked_at, secret_hash
         FROM oauth_client WHERE client_id = $1`,
      [clientId],
    );
    const row = rows[0];
    return row ? { ...toRecord(row), secretHash: row.secret_hash } : undefined;
  }
}
