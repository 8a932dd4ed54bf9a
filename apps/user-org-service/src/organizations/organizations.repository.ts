import type { OrgSettingsV1 } from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface OrganizationRecord {
  orgId: string;
  name: string;
  settings: OrgSettingsV1;
  settingsRevision: number;
  settingsUpdatedAt: Date;
  createdAt: Date;
}

interface OrganizationRow {
  org_id: string;
  name: string;
  settings: OrgSettingsV1;
  settings_revision: number;
  settings_updated_at: Date;
  created_at: Date;
}

function toRecord(row: OrganizationRow): OrganizationRecord {
  return {
    orgId: row.org_id,
    name: row.name,
    settings: row.settings,
    settingsRevision: row.settings_revision,
    settingsUpdatedAt: row.settings_updated_at,
    createdAt: row.created_at,
  };
}

const columns = 'org_id, name, settings, settings_revision, settings_updated_at, created_at';

@Injectable()
export class OrganizationsRepository {
  /** Creates the organization at settings revision 1; false when it already exists. */
  async insertIfAbsent(
    manager: EntityManager,
    orgId: string,
    organization: { name: string; settings: OrgSettingsV1; createdBy?: string; createdAt: Date },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO organizations (org_id, name, settings, settings_revision, settings_updated_at, created_by, created_at)
       VALUES ($1, $2, $3, 1, $5, $4, $5)
       ON CONFLICT (org_id) DO NOTHING
       RETURNING org_id`,
      [
        orgId,
        organization.name,
        JSON.stringify(organization.settings),
        organization.createdBy ?? null,
        organization.createdAt,
      ],
    );
    return rows.length > 0;
  }

  async find(
    manager: EntityManager,
    orgId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<OrganizationRecord | undefined> {
    const rows: OrganizationRow[] = await manager.query(
      `SELECT ${columns} FROM organizations WHERE org_id = $1 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [orgId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Replaces the settings and returns the new revision; undefined when the org does not exist. */
  async replaceSettings(
    manager: EntityManager,
    orgId: string,
    change: { settings: OrgSettingsV1; updatedBy: string; at: Date },
  ): Promise<OrganizationRecord | undefined> {
    const rows: OrganizationRow[] = await manager.query(
      // Through a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
      `WITH changed AS (
         UPDATE organizations
            SET settings = $2, settings_revision = settings_revision + 1,
                settings_updated_by = $3, settings_updated_at = $4
          WHERE org_id = $1
         RETURNING ${columns})
       SELECT * FROM changed`,
      [orgId, JSON.stringify(change.settings), change.updatedBy, change.at],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}
