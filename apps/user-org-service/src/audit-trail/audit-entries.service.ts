import type { AuditLoggedV1, CloudEvent, CursorPage } from '@careloop/contracts';
import { TenantTransactions, bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toPage } from '../common/cursor';
import type { AuditEntryResponse } from './dto/audit.dto';
import type { AuditEntryRecord, AuditFilter } from './audit-entries.repository';
import { AuditEntriesRepository } from './audit-entries.repository';

function toResponse(entry: AuditEntryRecord): AuditEntryResponse {
  return {
    auditId: entry.auditId,
    actorId: entry.actorId,
    actorType: entry.actorType,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    sourceIp: entry.sourceIp,
    correlationId: entry.correlationId,
    metadata: entry.metadata,
    occurredAt: entry.occurredAt.toISOString(),
    source: entry.source,
  };
}

/** The organization's audit trail: what every service reports with `audit.logged`. */
@Injectable()
export class AuditEntriesService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly entries: AuditEntriesRepository,
  ) {}

  async keep(
    manager: EntityManager,
    event: CloudEvent<AuditLoggedV1>,
  ): Promise<'processed' | 'skipped'> {
    const orgId = event.data.orgId;
    await bindTenant(manager, orgId);
    const kept = await this.entries.append(manager, orgId, event.data, event.source);
    return kept ? 'processed' : 'skipped';
  }

  list(orgId: string, filter: AuditFilter): Promise<CursorPage<AuditEntryResponse>> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const rows = await this.entries.list(manager, orgId, filter);
      return toPage(
        rows,
        filter.limit,
        (entry) => [entry.occurredAt.toISOString(), entry.auditId],
        toResponse,
      );
    });
  }
}
