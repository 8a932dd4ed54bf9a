import type { EntityManager, QueryRunner } from 'typeorm';
import { uuidLiteral } from './sql-literals';

/** The session setting row-level-security policies compare `org_id` with. */
export const TENANT_SETTING = 'app.org_id';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Binds the current transaction to one tenant: RLS policies then hide every other org's rows, so a
 * query that forgot its `org_id` filter still cannot read them. Must run inside a transaction
 * (`set_config(..., true)` is transaction-local, which keeps pooled connections clean).
 */
export async function bindTenant(manager: EntityManager, orgId: string): Promise<void> {
  if (!uuidPattern.test(orgId)) throw new TypeError(`orgId must be a UUID, got "${orgId}"`);
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('bindTenant must be called inside a transaction');
  }
  // A consumer applying a chunk of events in one transaction binds each one's org; a round trip
  // per event saved when, as usual, they share it. The mark lives on the transaction's own query
  // runner (`DataSource.transaction` makes one per transaction), so it never outlives the binding.
  if (boundOrgOf.get(runner) === orgId) return;
  await manager.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, orgId]);
  boundOrgOf.set(runner, orgId);
}

const boundOrgOf = new WeakMap<QueryRunner, string>();

/**
 * `bindTenant` as SQL text, to travel with other statements in one simple-protocol round trip
 * (see `beginWith`); tell `rememberTenantBound` once it ran, so `bindTenant` does not repeat it.
 */
export function tenantBindingStatement(orgId: string): string {
  return `SELECT set_config('${TENANT_SETTING}', ${uuidLiteral(orgId)}::text, true)`;
}

/** The transaction of `runner` was bound to `orgId` by `tenantBindingStatement`. */
export function rememberTenantBound(runner: QueryRunner, orgId: string): void {
  boundOrgOf.set(runner, orgId);
}

/**
 * Migration helper: every tenant table gets RLS enabled and FORCED (so the owning service role is
 * subject to it too) with one policy comparing `org_id` to the transaction's tenant setting.
 */
export async function enableTenantRowLevelSecurity(
  queryRunner: QueryRunner,
  table: string,
): Promise<void> {
  await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(
    `CREATE POLICY "${table}_tenant_isolation" ON "${table}"
       USING (org_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)
       WITH CHECK (org_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)`,
  );
}
