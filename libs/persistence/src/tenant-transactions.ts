import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { bindTenant } from './tenant-scope';

/**
 * The one way a request opens a transaction on tenant data: the transaction is bound to the org
 * before the work runs, so row-level security hides every other org's rows even from a query that
 * forgot its `org_id` filter.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  inTenant<T>(orgId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await bindTenant(manager, orgId);
      return work(manager);
    });
  }

  /** For data that belongs to no tenant (identities, platform keys); RLS-forced tables stay invisible. */
  outsideTenant<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
