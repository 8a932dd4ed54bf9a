import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { CursorPage } from '@careloop/contracts';
import { TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toPage } from '../common/cursor';
import type { PageRequest } from '../common/list-query.dto';
import { OrgStructureErrors } from './org-structure.errors';
import { OrgStructureRepository, StructureWriteRefused } from './org-structure.repository';
import type { StructureKind, StructureRecord } from './structure-kinds';
import { DEPARTMENT, SITE } from './structure-kinds';

export type StructureValues = Record<string, string | null | undefined>;

/** Sites, departments (each in a site) and providers of an organization. */
@Injectable()
export class OrgStructureService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly structure: OrgStructureRepository,
    private readonly auditTrail: AuditTrail,
  ) {}

  create(
    _principal: Principal,
    orgId: string,
    kind: StructureKind,
    values: StructureValues,
  ): Promise<StructureRecord> {
    return this.transactions.inTenant(orgId, async (manager) => {
      await this.checkSite(manager, orgId, kind, values);
      const id = randomUUID();
      const created = await this.refusalsAsErrors(kind, () =>
        this.structure.insert(manager, orgId, kind, id, withoutAbsent(values)),
      );
      await this.audit(manager, orgId, kind, id, 'created');
      return created;
    });
  }

  update(
    _principal: Principal,
    orgId: string,
    kind: StructureKind,
    id: string,
    values: StructureValues,
  ): Promise<StructureRecord> {
    return this.transactions.inTenant(orgId, async (manager) => {
      await this.checkSite(manager, orgId, kind, values);
      const updated = await this.refusalsAsErrors(kind, () =>
        this.structure.update(manager, orgId, kind, id, values),
      );
      if (!updated) throw OrgStructureErrors.notFound(kind);
      await this.audit(manager, orgId, kind, id, 'updated', {
        fields: Object.keys(values).filter((field) => values[field] !== undefined),
      });
      return updated;
    });
  }

  remove(_principal: Principal, orgId: string, kind: StructureKind, id: string): Promise<void> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const removed = await this.refusalsAsErrors(kind, () =>
        this.structure.delete(manager, orgId, kind, id),
      );
      if (!removed) throw OrgStructureErrors.notFound(kind);
      await this.audit(manager, orgId, kind, id, 'deleted');
    });
  }

  get(orgId: string, kind: StructureKind, id: string): Promise<StructureRecord> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const record = await this.structure.find(manager, orgId, kind, id);
      if (!record) throw OrgStructureErrors.notFound(kind);
      return record;
    });
  }

  list(
    orgId: string,
    kind: StructureKind,
    page: PageRequest,
    filter: Record<string, string> = {},
  ): Promise<CursorPage<StructureRecord>> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const rows = await this.structure.list(manager, orgId, kind, page, filter);
      return toPage(
        rows,
        page.limit,
        (record) => [record['name'] ?? '', record[kind.idProperty] ?? ''],
        (record) => record,
      );
    });
  }

  private audit(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    id: string,
    verb: 'created' | 'updated' | 'deleted',
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    return this.auditTrail.record(manager, {
      orgId,
      action: `${kind.name}.${verb}`,
      target: { type: kind.name, id },
      ...(metadata ? { metadata } : {}),
    });
  }

  /** A department belongs to a site of the same organization. */
  private async checkSite(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    values: StructureValues,
  ): Promise<void> {
    const siteId = values['siteId'];
    if (kind !== DEPARTMENT || typeof siteId !== 'string') return;
    if (!(await this.structure.find(manager, orgId, SITE, siteId))) {
      throw OrgStructureErrors.siteNotFound();
    }
  }

  private async refusalsAsErrors<T>(kind: StructureKind, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StructureWriteRefused)) throw error;
      if (error.refusal === 'external-id-taken') throw OrgStructureErrors.externalIdTaken(kind);
      if (error.refusal === 'still-referenced') throw OrgStructureErrors.stillReferenced(kind);
      throw OrgStructureErrors.siteNotFound();
    }
  }
}

function withoutAbsent(values: StructureValues): Record<string, string | null> {
  const present: Record<string, string | null> = {};
  for (const [property, value] of Object.entries(values)) {
    if (value !== undefined) present[property] = value;
  }
  return present;
}
