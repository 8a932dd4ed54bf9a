import type { AuditLoggedV1 } from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AuditEntryRecord {
  auditId: string;
  actorId: string;
  actorType: string;
  action: string;
  target: { type: string; id: string };
  outcome: string;
  sourceIp: string | null;
  correlationId: string | null;
  metadata: Record<string, unknown> | null;
  occurredAt: Date;
  source: string;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** (occurredAt, auditId) of the last entry of the previous page. */
  after?: readonly string[];
}

interface AuditRow {
  audit_id: string;
  actor_id: string;
  actor_type: string;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string;
  source_ip: string | null;
  correlation_id: string | null;
  metadata: Record<string, unknown> | null;
  occurred_at: Date;
  source: string;
}

@Injectable()
export class AuditEntriesRepository {
  /** Appends an entry; an entry already kept (same audit id) is left as it is. */
  async append(
    manager: EntityManager,
    orgId: string,
    entry: AuditLoggedV1,
    source: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO audit_entries (audit_id, org_id, actor_id, actor_type, action, target_type, target_id,
                                  outcome, source_ip, correlation_id, metadata, occurred_at, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (audit_id) DO NOTHING
       RETURNING audit_id`,
      [
        entry.auditId,
        orgId,
        entry.actorId,
        entry.actorType,
        entry.action,
        entry.target.type,
        entry.target.id,
        entry.outcome,
        entry.sourceIp ?? null,
        entry.correlationId ?? null,
        entry.metadata === undefined ? null : JSON.stringify(entry.metadata),
        entry.occurredAt,
        source,
      ],
    );
    return rows.length > 0;
  }

  /** Newest first; every filter optional, `from` inclusive and `to` exclusive. */
  async list(
    manager: EntityManager,
    orgId: string,
    filter: AuditFilter,
  ): Promise<AuditEntryRecord[]> {
    const [afterOccurredAt, afterId] = filter.after ?? [];
    const rows: AuditRow[] = await manager.query(
      `SELECT audit_id, actor_id, actor_type, action, target_type, target_id, outcome,
              host(source_ip) AS source_ip, correlation_id, metadata, occurred_at, source
         FROM audit_entries
        WHERE org_id = $1
          AND ($2::text IS NULL OR actor_id = $2)
          AND ($3::text IS NULL OR action = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($6::timestamptz IS NULL OR (occurred_at, audit_id) < ($6::timestamptz, $7::uuid))
        ORDER BY occurred_at DESC, audit_id DESC
        LIMIT $8`,
      [
        orgId,
        filter.actorId ?? null,
        filter.action ?? null,
        filter.from ?? null,
        filter.to ?? null,
        afterOccurredAt ?? null,
        afterId ?? null,
        filter.limit + 1,
      ],
    );
    return rows.map((row) => ({
      auditId: row.audit_id,
      actorId: row.actor_id,
      actorType: row.actor_type,
      action: row.action,
      target: { type: row.target_type, id: row.target_id },
      outcome: row.outcome,
      sourceIp: row.source_ip,
      correlationId: row.correlation_id,
      metadata: row.metadata,
      occurredAt: row.occurred_at,
      source: row.source,
    }));
  }
}
