import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface IdentityRecord {
  identityId: string;
  email: string;
  name: string;
}

/** The platform-level projection of auth-service's identities (no tenant: an identity may join many orgs). */
@Injectable()
export class IdentitiesRepository {
  async upsert(
    manager: EntityManager,
    identity: IdentityRecord & { registeredAt: Date },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO identities (identity_id, email, name, registered_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (identity_id) DO UPDATE
         SET email = EXCLUDED.email, name = EXCLUDED.name, updated_at = now()`,
      [identity.identityId, identity.email, identity.name, identity.registeredAt],
    );
  }

  async find(manager: EntityManager, identityId: string): Promise<IdentityRecord | undefined> {
    const rows: { identity_id: string; email: string; name: string }[] = await manager.query(
      'SELECT identity_id, email, name FROM identities WHERE identity_id = $1',
      [identityId],
    );
    const row = rows[0];
    return row ? { identityId: row.identity_id, email: row.email, name: row.name } : undefined;
  }
}
