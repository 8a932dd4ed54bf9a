import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface IdentityRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  lastOrgId: string | null;
  totpSecretSealed: string | null;
  totpEnabled: boolean;
  totpLastTimeStep: number | null;
}

interface IdentityRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  last_org_id: string | null;
  totp_secret_sealed: string | null;
  totp_enabled_at: Date | null;
  totp_last_time_step: string | null;
}

const columns = `id, email, name, password_hash, last_org_id, totp_secret_sealed, totp_enabled_at, totp_last_time_step`;

function toRecord(row: IdentityRow): IdentityRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    lastOrgId: row.last_org_id,
    totpSecretSealed: row.totp_secret_sealed,
    totpEnabled: row.totp_enabled_at !== null,
    totpLastTimeStep: row.totp_last_time_step === null ? null : Number(row.totp_last_time_step),
  };
}

/** Identities belong to no tenant (one person may work for several orgs): no orgId here. */
@Injectable()
export class IdentitiesRepository {
  /** False when the email is taken. */
  async insert(
    manager: EntityManager,
    identity: {
      id: string;
      email: string;
      name: string;
      passwordHash: string;
      lastOrgId: string | null;
    },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO identity (id, email, name, password_hash, last_org_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [identity.id, identity.email, identity.name, identity.passwordHash, identity.lastOrgId],
    );
    return rows.length > 0;
  }

  async findByEmail(manager: EntityManager, email: string): Promise<IdentityRecord | undefined> {
    const rows: IdentityRow[] = await manager.query(
      `SELECT ${columns} FROM identity WHERE email = $1`,
      [email],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findById(
    manager: EntityManager,
    id: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<IdentityRecord | undefined> {
    const rows: IdentityRow[] = await manager.query(
      `SELECT ${columns} FROM identity WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async setLastOrg(manager: EntityManager, id: string, orgId: string | null): Promise<void> {
    await manager.query(`UPDATE identity SET last_org_id = $2 WHERE id = $1`, [id, orgId]);
  }

  async setPendingTotp(manager: EntityManager, id: string, sealedSecret: string): Promise<void> {
    await manager.query(
      `UPDATE identity SET totp_secret_sealed = $2, totp_enabled_at = NULL, totp_last_time_step = NULL
        WHERE id = $1`,
      [id, sealedSecret],
    );
  }

  async enableTotp(manager: EntityManager, id: string, timeStep: number): Promise<void> {
    await manager.query(
      `UPDATE identity SET totp_enabled_at = now(), totp_last_time_step = $2 WHERE id = $1`,
      [id, timeStep],
    );
  }

  /**
   * Records the time step of an accepted code, only if it is later than the last one: false means
   * the code was already used (a replay, or a race with another login using the same code).
   */
  async advanceTotpTimeStep(
    manager: EntityManager,
    id: string,
    timeStep: number,
  ): Promise<boolean> {
    // In a CTE so the answer is rows: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await manager.query(
      `WITH advanced AS (
         UPDATE identity SET totp_last_time_step = $2
          WHERE id = $1 AND (totp_last_time_step IS NULL OR totp_last_time_step < $2) RETURNING id)
       SELECT id FROM advanced`,
      [id, timeStep],
    );
    return rows.length > 0;
  }

  async clearTotp(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE identity SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_time_step = NULL
        WHERE id = $1`,
      [id],
    );
  }
}
