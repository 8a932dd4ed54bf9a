import type { OrgRole } from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PageRequest } from '../common/list-query.dto';

export interface MembershipRecord {
  membershipId: string;
  orgId: string;
  identityId: string;
  role: OrgRole;
  revision: number;
  grantedAt: Date;
  revokedAt: Date | null;
}

export interface MemberRecord extends MembershipRecord {
  email: string | null;
  name: string | null;
}

interface MembershipRow {
  membership_id: string;
  org_id: string;
  identity_id: string;
  role: OrgRole;
  revision: number;
  granted_at: Date;
  revoked_at: Date | null;
  email?: string | null;
  name?: string | null;
}

function toRecord(row: MembershipRow): MemberRecord {
  return {
    membershipId: row.membership_id,
    orgId: row.org_id,
    identityId: row.identity_id,
    role: row.role,
    revision: row.revision,
    grantedAt: row.granted_at,
    revokedAt: row.revoked_at,
    email: row.email ?? null,
    name: row.name ?? null,
  };
}

const columns = 'membership_id, org_id, identity_id, role, revision, granted_at, revoked_at';

@Injectable()
export class MembershipsRepository {
  /** Any membership of the identity in the org, active or revoked (a revoked one is re-granted). */
  async findByIdentity(
    manager: EntityManager,
    orgId: string,
    identityId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<MembershipRecord | undefined> {
    const rows: MembershipRow[] = await manager.query(
      `SELECT ${columns} FROM memberships WHERE org_id = $1 AND identity_id = $2
       ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [orgId, identityId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Grants `role`: a new membership at revision 1, or a revoked/changed one at its next revision. */
  async grant(
    manager: EntityManager,
    orgId: string,
    grant: {
      membershipId: string;
      identityId: string;
      role: OrgRole;
      grantedBy?: string;
      at: Date;
    },
  ): Promise<MembershipRecord> {
    const rows: MembershipRow[] = await manager.query(
      `INSERT INTO memberships (membership_id, org_id, identity_id, role, revision, granted_by, granted_at)
       VALUES ($1, $2, $3, $4, 1, $5, $6)
       ON CONFLICT (org_id, identity_id) DO UPDATE
         SET role = EXCLUDED.role, revision = memberships.revision + 1,
             granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at,
             revoked_by = NULL, revoked_at = NULL
       RETURNING ${columns}`,
      [grant.membershipId, orgId, grant.identityId, grant.role, grant.grantedBy ?? null, grant.at],
    );
    return toRecord(rows[0] as MembershipRow);
  }

  async revoke(
    manager: EntityManager,
    orgId: string,
    membershipId: string,
    revokedBy: string | undefined,
    at: Date,
  ): Promise<MembershipRecord> {
    const rows: MembershipRow[] = await manager.query(
      // Through a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
      `WITH changed AS (
         UPDATE memberships SET revision = revision + 1, revoked_by = $3, revoked_at = $4
          WHERE org_id = $1 AND membership_id = $2
         RETURNING ${columns})
       SELECT * FROM changed`,
      [orgId, membershipId, revokedBy ?? null, at],
    );
    return toRecord(rows[0] as MembershipRow);
  }

  async countActiveAdmins(manager: EntityManager, orgId: string): Promise<number> {
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM memberships
        WHERE org_id = $1 AND role = 'org_admin' AND revoked_at IS NULL`,
      [orgId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** Active members with their name and email from the identities projection, by email then id. */
  async listActive(
    manager: EntityManager,
    orgId: string,
    page: PageRequest,
  ): Promise<MemberRecord[]> {
    const [afterEmail, afterId] = page.after ?? [];
    const rows: MembershipRow[] = await manager.query(
      `SELECT m.membership_id, m.org_id, m.identity_id, m.role, m.revision, m.granted_at, m.revoked_at,
              i.email, i.name
         FROM memberships m LEFT JOIN identities i ON i.identity_id = m.identity_id
        WHERE m.org_id = $1 AND m.revoked_at IS NULL
          AND ($2::text IS NULL OR (coalesce(lower(i.email), ''), m.membership_id::text) > ($2, $3))
        ORDER BY coalesce(lower(i.email), ''), m.membership_id::text
        LIMIT $4`,
      [orgId, afterEmail ?? null, afterId ?? null, page.limit + 1],
    );
    return rows.map(toRecord);
  }

  /** Active membership of an identity whose email is `email` (case-insensitive). */
  async findActiveByEmail(
    manager: EntityManager,
    orgId: string,
    email: string,
  ): Promise<MembershipRecord | undefined> {
    const rows: MembershipRow[] = await manager.query(
      `SELECT m.membership_id, m.org_id, m.identity_id, m.role, m.revision, m.granted_at, m.revoked_at
         FROM memberships m JOIN identities i ON i.identity_id = m.identity_id
        WHERE m.org_id = $1 AND m.revoked_at IS NULL AND lower(i.email) = lower($2)
        LIMIT 1`,
      [orgId, email],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}
