import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { EntityManager } from 'typeorm';

export interface StoredSigningKey {
  kid: string;
  publicJwk: JWK;
  privateKeySealed: string;
}

export interface SigningKeyInUse extends StoredSigningKey {
  /** When a key already created starts signing instead, if one is waiting. */
  nextActivationAt: Date | undefined;
}

/** Signing keys are platform data (no tenant): these methods take no orgId. */
@Injectable()
export class SigningKeysRepository {
  /** Serialises key creation and rotation across replicas for the rest of the transaction. */
  async lockKeys(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('auth-service.signing_key'))`);
  }

  /** The key that signs now: the latest whose activation time has come. */
  async findActive(manager: EntityManager): Promise<SigningKeyInUse | undefined> {
    const rows: {
      kid: string;
      public_jwk: JWK;
      private_key_sealed: string;
      next_activation_at: Date | null;
    }[] = await manager.query(
      `SELECT kid, public_jwk, private_key_sealed,
              (SELECT min(activates_at) FROM signing_key WHERE activates_at > clock_timestamp())
                AS next_activation_at
         FROM signing_key
        WHERE activates_at <= clock_timestamp() ORDER BY activates_at DESC LIMIT 1`,
    );
    const row = rows[0];
    return row
      ? {
          kid: row.kid,
          publicJwk: row.public_jwk,
          privateKeySealed: row.private_key_sealed,
          nextActivationAt: row.next_activation_at ? new Date(row.next_activation_at) : undefined,
        }
      : undefined;
  }

  async count(manager: EntityManager): Promise<number> {
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM signing_key`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  async insert(
    manager: EntityManager,
    key: StoredSigningKey & { activationDelaySeconds: number },
  ): Promise<Date> {
    const rows: { activates_at: Date }[] = await manager.query(
      `INSERT INTO signing_key (kid, public_jwk, private_key_sealed, activates_at)
       VALUES ($1, $2, $3, clock_timestamp() + make_interval(secs => $4)) RETURNING activates_at`,
      [key.kid, JSON.stringify(key.publicJwk), key.privateKeySealed, key.activationDelaySeconds],
    );
    return new Date((rows[0] as { activates_at: Date }).activates_at);
  }

  /**
   * Keys waiting to sign, the one signing, and older ones replaced less than `retentionSeconds`
   * ago (they may have signed tokens that have not expired yet).
   */
  async listPublished(manager: EntityManager, retentionSeconds: number): Promise<JWK[]> {
    const rows: { public_jwk: JWK }[] = await manager.query(
      `SELECT k.public_jwk FROM signing_key k
        WHERE NOT EXISTS (
          SELECT 1 FROM signing_key successor
           WHERE successor.activates_at > k.activates_at
             AND successor.activates_at < clock_timestamp() - make_interval(secs => $1))
        ORDER BY k.activates_at DESC`,
      [retentionSeconds],
    );
    return rows.map((row) => row.public_jwk);
  }
}
