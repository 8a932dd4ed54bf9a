import { bindTenant } from '@careloop/persistence';
import type { DataSource, EntityManager } from 'typeorm';

const BOUND_ORG = 'careloop.respondent.boundOrgId';

/**
 * `bindTenant`, skipped when this transaction is already bound to `orgId` by this helper: on the
 * respondent hot path every statement saved is a round trip saved. The mark lives on the
 * transaction's own query runner, which is created and released per transaction.
 */
export async function bindTenantOnce(manager: EntityManager, orgId: string): Promise<void> {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive && runner.data?.[BOUND_ORG] === orgId) return;
  await bindTenant(manager, orgId);
  if (runner) runner.data = { ...runner.data, [BOUND_ORG]: orgId };
}

/** A transaction bound to one org (one `set_config` however many repository calls follow). */
export function inRespondentTenant<T>(
  dataSource: DataSource,
  orgId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await bindTenantOnce(manager, orgId);
    return work(manager);
  });
}
