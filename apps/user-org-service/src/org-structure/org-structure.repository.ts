import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { PageRequest } from '../common/list-query.dto';
import type { StructureKind, StructureRecord } from './structure-kinds';

type Row = Record<string, string | Date | null>;

/** Why Postgres refused a write, in the terms the service decides on. */
export type WriteRefusal = 'external-id-taken' | 'still-referenced' | 'reference-missing';

export class StructureWriteRefused extends Error {
  constructor(readonly refusal: WriteRefusal) {
    super(refusal);
  }
}

/**
 * A foreign-key refusal means "still referenced" on a delete and "reference missing" on a write;
 * the caller says which it is doing.
 */
async function translated<T>(foreignKeyRefusal: WriteRefusal, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof QueryFailedError) {
      const code = (error.driverError as { code?: string }).code;
      if (code === '23505') throw new StructureWriteRefused('external-id-taken');
      if (code === '23503') throw new StructureWriteRefused(foreignKeyRefusal);
    }
    throw error;
  }
}

@Injectable()
export class OrgStructureRepository {
  async insert(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    id: string,
    values: Record<string, string | null>,
  ): Promise<StructureRecord> {
    const properties = Object.keys(kind.columns).filter((p) => values[p] !== undefined);
    const columns = [kind.idColumn, 'org_id', ...properties.map((p) => kind.columns[p])];
    const placeholders = columns.map((_, index) => `$${index + 1}`);
    const rows: Row[] = await translated('reference-missing', () =>
      manager.query(
        `INSERT INTO ${kind.table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
         RETURNING ${this.selectList(kind)}`,
        [id, orgId, ...properties.map((p) => values[p])],
      ),
    );
    return this.toRecord(kind, rows[0] as Row);
  }

  async update(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    id: string,
    values: Record<string, string | null | undefined>,
  ): Promise<StructureRecord | undefined> {
    const properties = Object.keys(kind.columns).filter((p) => values[p] !== undefined);
    const assignments = properties.map((p, index) => `${kind.columns[p]} = $${index + 3}`);
    const rows: Row[] = await translated('reference-missing', () =>
      manager.query(
        // Through a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
        `WITH changed AS (
           UPDATE ${kind.table} SET ${[...assignments, 'updated_at = now()'].join(', ')}
            WHERE org_id = $1 AND ${kind.idColumn} = $2
           RETURNING ${this.selectList(kind)})
         SELECT * FROM changed`,
        [orgId, id, ...properties.map((p) => values[p])],
      ),
    );
    return rows[0] ? this.toRecord(kind, rows[0]) : undefined;
  }

  async delete(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    id: string,
  ): Promise<boolean> {
    const rows: Row[] = await translated('still-referenced', () =>
      manager.query(
        `WITH gone AS (
           DELETE FROM ${kind.table} WHERE org_id = $1 AND ${kind.idColumn} = $2 RETURNING 1)
         SELECT * FROM gone`,
        [orgId, id],
      ),
    );
    return rows.length > 0;
  }

  async find(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    id: string,
  ): Promise<StructureRecord | undefined> {
    const rows: Row[] = await manager.query(
      `SELECT ${this.selectList(kind)} FROM ${kind.table} WHERE org_id = $1 AND ${kind.idColumn} = $2`,
      [orgId, id],
    );
    return rows[0] ? this.toRecord(kind, rows[0]) : undefined;
  }

  /** By name, then id: the order a person scans a list in. */
  async list(
    manager: EntityManager,
    orgId: string,
    kind: StructureKind,
    page: PageRequest,
    filter: Record<string, string> = {},
  ): Promise<StructureRecord[]> {
    const [afterName, afterId] = page.after ?? [];
    const filters = Object.keys(filter)
      .filter((p) => kind.columns[p] !== undefined)
      .map((p, index) => ({ sql: `${kind.columns[p]} = $${index + 5}`, value: filter[p] }));
    const rows: Row[] = await manager.query(
      `SELECT ${this.selectList(kind)} FROM ${kind.table}
        WHERE org_id = $1
          AND ($2::text IS NULL OR (name, ${kind.idColumn}::text) > ($2, $3))
          ${filters.map((f) => `AND ${f.sql}`).join(' ')}
        ORDER BY name, ${kind.idColumn}::text
        LIMIT $4`,
      [orgId, afterName ?? null, afterId ?? null, page.limit + 1, ...filters.map((f) => f.value)],
    );
    return rows.map((row) => this.toRecord(kind, row));
  }

  private selectList(kind: StructureKind): string {
    return [kind.idColumn, ...Object.values(kind.columns), 'created_at', 'updated_at'].join(', ');
  }

  private toRecord(kind: StructureKind, row: Row): StructureRecord {
    const record: StructureRecord = { [kind.idProperty]: row[kind.idColumn] as string };
    for (const [property, column] of Object.entries(kind.columns)) {
      record[property] = (row[column] as string | null) ?? null;
    }
    record['createdAt'] = (row['created_at'] as Date).toISOString();
    record['updatedAt'] = (row['updated_at'] as Date).toISOString();
    return record;
  }
}
