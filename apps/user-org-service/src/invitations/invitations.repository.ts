import type { OrgRole } from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PageRequest } from '../common/list-query.dto';

export interface InvitationRecord {
  invitationId: string;
  orgId: string;
  email: string;
  role: OrgRole;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

interface InvitationRow {
  invitation_id: string;
  org_id: string;
  email: string;
  role: OrgRole;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const columns =
  'invitation_id, org_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at';

function toRecord(row: InvitationRow): InvitationRecord {
  return {
    invitationId: row.invitation_id,
    orgId: row.org_id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}

@Injectable()
export class InvitationsRepository {
  async insert(
    manager: EntityManager,
    orgId: string,
    invitation: Omit<InvitationRecord, 'orgId' | 'acceptedAt' | 'revokedAt'> & {
      tokenHash: Buffer;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO invitations (invitation_id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        invitation.invitationId,
        orgId,
        invitation.email,
        invitation.role,
        invitation.tokenHash,
        invitation.invitedBy,
        invitation.createdAt,
        invitation.expiresAt,
      ],
    );
  }

  async findIdByTokenHash(
    manager: EntityManager,
    orgId: string,
    tokenHash: Buffer,
  ): Promise<string | undefined> {
    const rows: { invitation_id: string }[] = await manager.query(
      'SELECT invitation_id FROM invitations WHERE org_id = $1 AND token_hash = $2',
      [orgId, tokenHash],
    );
    return rows[0]?.invitation_id;
  }

  async find(
    manager: EntityManager,
    orgId: string,
    invitationId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<InvitationRecord | undefined> {
    const rows: InvitationRow[] = await manager.query(
      `SELECT ${columns} FROM invitations WHERE org_id = $1 AND invitation_id = $2
       ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [orgId, invitationId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Pending invitations to this email (case-insensitive), to be superseded by a new one. */
  async revokePendingFor(
    manager: EntityManager,
    orgId: string,
    email: string,
    revokedBy: string,
    at: Date,
  ): Promise<string[]> {
    const rows: { invitation_id: string }[] = await manager.query(
      `WITH changed AS (
         UPDATE invitations SET revoked_by = $3, revoked_at = $4
          WHERE org_id = $1 AND lower(email) = lower($2)
            AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $4
         RETURNING invitation_id)
       SELECT invitation_id FROM changed`,
      [orgId, email, revokedBy, at],
    );
    return rows.map((row) => row.invitation_id);
  }

  async markRevoked(
    manager: EntityManager,
    orgId: string,
    invitationId: string,
    revokedBy: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `WITH changed AS (
         UPDATE invitations SET revoked_by = $3, revoked_at = $4
          WHERE org_id = $1 AND invitation_id = $2 RETURNING 1)
       SELECT * FROM changed`,
      [orgId, invitationId, revokedBy, at],
    );
  }

  async markAccepted(
    manager: EntityManager,
    orgId: string,
    invitationId: string,
    acceptedBy: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `WITH changed AS (
         UPDATE invitations SET accepted_by = $3, accepted_at = $4
          WHERE org_id = $1 AND invitation_id = $2 RETURNING 1)
       SELECT * FROM changed`,
      [orgId, invitationId, acceptedBy, at],
    );
  }

  /** Newest first. */
  async list(
    manager: EntityManager,
    orgId: string,
    page: PageRequest,
  ): Promise<InvitationRecord[]> {
    const [afterCreatedAt, afterId] = page.after ?? [];
    const rows: InvitationRow[] = await manager.query(
      `SELECT ${columns} FROM invitations
        WHERE org_id = $1
          AND ($2::timestamptz IS NULL OR (created_at, invitation_id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, invitation_id DESC
        LIMIT $4`,
      [orgId, afterCreatedAt ?? null, afterId ?? null, page.limit + 1],
    );
    return rows.map(toRecord);
  }
}
