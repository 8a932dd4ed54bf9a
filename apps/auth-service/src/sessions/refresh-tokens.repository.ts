import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RefreshTokenState } from './refresh-family';

export interface RefreshFamily {
  id: string;
  identityId: string;
  orgId: string | null;
  mfaVerified: boolean;
}

export interface PresentedRefreshToken extends RefreshTokenState {
  family: RefreshFamily;
}

/** Refresh families belong to an identity, not a tenant: no orgId parameter. */
@Injectable()
export class RefreshTokensRepository {
  async createFamily(
    manager: EntityManager,
    family: RefreshFamily & { maxSeconds: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_family (id, identity_id, active_org_id, mfa_verified, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [family.id, family.identityId, family.orgId, family.mfaVerified, family.maxSeconds],
    );
  }

  async insertToken(
    manager: EntityManager,
    token: { hash: Buffer; familyId: string; idleSeconds: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_token (token_hash, family_id, status, expires_at)
       VALUES ($1, $2, 'active', now() + make_interval(secs => $3))`,
      [token.hash, token.familyId, token.idleSeconds],
    );
  }

  /** Locks the family row, so two refreshes with the same token serialise. */
  async findForUpdate(
    manager: EntityManager,
    hash: Buffer,
  ): Promise<PresentedRefreshToken | undefined> {
    const rows: {
      status: 'active' | 'used';
      token_expires_at: Date;
      family_id: string;
      identity_id: string;
      active_org_id: string | null;
      mfa_verified: boolean;
      revoked_at: Date | null;
      family_expires_at: Date;
    }[] = await manager.query(
      `SELECT t.status, t.expires_at AS token_expires_at, f.id AS family_id, f.identity_id, f.active_org_id,
              f.mfa_verified, f.revoked_at, f.expires_at AS family_expires_at
         FROM refresh_token t JOIN refresh_family f ON f.id = t.family_id
        WHERE t.token_hash = $1
        FOR UPDATE OF f, t`,
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      tokenStatus: row.status,
      tokenExpiresAt: new Date(row.token_expires_at),
      familyRevoked: row.revoked_at !== null,
      familyExpiresAt: new Date(row.family_expires_at),
      family: {
        id: row.family_id,
        identityId: row.identity_id,
        orgId: row.active_org_id,
        mfaVerified: row.mfa_verified,
      },
    };
  }

  async markUsed(manager: EntityManager, hash: Buffer): Promise<void> {
    await manager.query(
      `UPDATE refresh_token SET status = 'used', used_at = now() WHERE token_hash = $1`,
      [hash],
    );
  }

  async revokeFamily(manager: EntityManager, familyId: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE refresh_family SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
  }

  /** Logout: revokes the token's family if it belongs to this identity; false otherwise. */
  async revokeFamilyOfToken(
    manager: EntityManager,
    hash: Buffer,
    identityId: string,
  ): Promise<boolean> {
    // In a CTE so the answer is rows: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await manager.query(
      `WITH revoked AS (
         UPDATE refresh_family f SET revoked_at = now(), revoked_reason = 'logout'
           FROM refresh_token t
          WHERE t.token_hash = $1 AND t.family_id = f.id AND f.identity_id = $2 AND f.revoked_at IS NULL
          RETURNING f.id)
       SELECT id FROM revoked`,
      [hash, identityId],
    );
    return rows.length > 0;
  }

  async revokeAllOfIdentity(
    manager: EntityManager,
    identityId: string,
    reason: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE refresh_family SET revoked_at = now(), revoked_reason = $2
        WHERE identity_id = $1 AND revoked_at IS NULL`,
      [identityId, reason],
    );
  }
}
