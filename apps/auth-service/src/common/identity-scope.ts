import type { EntityManager } from 'typeorm';

/** The session setting the identity-read policies compare `identity_id` with. */
export const IDENTITY_SETTING = 'app.identity_id';

/**
 * Lets the current transaction read one identity's rows in tenant tables (its memberships across
 * organizations), which login needs before any organization is chosen. Like `bindTenant`,
 * transaction-local.
 */
export async function bindIdentity(manager: EntityManager, identityId: string): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('bindIdentity must be called inside a transaction');
  }
  await manager.query('SELECT set_config($1, $2, true)', [IDENTITY_SETTING, identityId]);
}
