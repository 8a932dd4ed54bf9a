import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Recovery codes belong to an identity, not a tenant. */
@Injectable()
export class MfaRepository {
  async replaceRecoveryCodes(
    manager: EntityManager,
    identityId: string,
    hashes: Buffer[],
  ): Promise<void> {
    await manager.query(`DELETE FROM recovery_code WHERE identity_id = $1`, [identityId]);
    await manager.query(
      `INSERT INTO recovery_code (identity_id, code_hash) SELECT $1, unnest($2::bytea[])`,
      [identityId, hashes],
    );
  }

  /** Spends the code: true only for the one call that marks an unused code used. */
  async useRecoveryCode(
    manager: EntityManager,
    identityId: string,
    hash: Buffer,
  ): Promise<boolean> {
    // In a CTE so the answer is rows: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await manager.query(
      `WITH spent AS (
         UPDATE recovery_code SET used_at = now()
          WHERE identity_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING identity_id)
       SELECT identity_id FROM spent`,
      [identityId, hash],
    );
    return rows.length > 0;
  }

  async deleteRecoveryCodes(manager: EntityManager, identityId: string): Promise<void> {
    await manager.query(`DELETE FROM recovery_code WHERE identity_id = $1`, [identityId]);
  }
}
