import { bindTenant } from '@careloop/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { bindIdentity } from '../common/identity-scope';

export interface MembershipState {
  membershipId: string;
  orgId: string;
  identityId: string;
  role: string;
  revision: number;
  revoked: boolean;
}

export interface IdentityMembership {
  orgId: string;
  roles: string[];
  mfaRequired: boolean;
}

/** The projection of user-org-service's memberships and org security settings. */
@Injectable()
export class MembershipsRepository {
  /**
   * Writes the membership's state if `revision` is above the one held (or it is new): granted and
   * revoked arrive on two topics, so only the highest revision may win. Binds the tenant.
   */
  async upsert(manager: EntityManager, orgId: string, state: MembershipState): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `INSERT INTO org_membership (membership_id, org_id, identity_id, role, revision, revoked)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (membership_id) DO UPDATE
         SET role = EXCLUDED.role, revision = EXCLUDED.revision, revoked = EXCLUDED.revoked,
             updated_at = now()
         WHERE org_membership.revision < EXCLUDED.revision
       RETURNING membership_id`,
      [state.membershipId, orgId, state.identityId, state.role, state.revision, state.revoked],
    );
    if (state.revision > 0) {
      // user-org-service's own record of this person in this org supersedes the provisional
      // founder row written at signup (revision 0), whatever its membership id.
      await manager.query(
        `DELETE FROM org_membership
          WHERE org_id = $1 AND identity_id = $2 AND revision = 0 AND membership_id <> $3`,
        [orgId, state.identityId, state.membershipId],
      );
    }
    return rows.length > 0;
  }

  /** Every organization the identity belongs to, with its roles there and whether MFA is required. */
  async listForIdentity(manager: EntityManager, identityId: string): Promise<IdentityMembership[]> {
    await bindIdentity(manager, identityId);
    const rows: { org_id: string; roles: string[]; mfa_required: boolean | null }[] =
      await manager.query(
        `SELECT m.org_id, array_agg(DISTINCT m.role ORDER BY m.role) AS roles, p.mfa_required
           FROM org_membership m LEFT JOIN org_security_policy p ON p.org_id = m.org_id
          WHERE m.identity_id = $1 AND NOT m.revoked
          GROUP BY m.org_id, p.mfa_required
          ORDER BY m.org_id`,
        [identityId],
      );
    return rows.map((row) => ({
      orgId: row.org_id,
      roles: row.roles,
      mfaRequired: row.mfa_required === true,
    }));
  }

  /** Keeps the highest revision per org (`org.created` counts as revision 0). */
  async upsertSecurityPolicy(
    manager: EntityManager,
    orgId: string,
    policy: { mfaRequired: boolean; revision: number },
  ): Promise<boolean> {
    await bindTenant(manager, orgId);
    const rows: unknown[] = await manager.query(
      `INSERT INTO org_security_policy (org_id, mfa_required, revision) VALUES ($1, $2, $3)
       ON CONFLICT (org_id) DO UPDATE
         SET mfa_required = EXCLUDED.mfa_required, revision = EXCLUDED.revision, updated_at = now()
         WHERE org_security_policy.revision < EXCLUDED.revision
       RETURNING org_id`,
      [orgId, policy.mfaRequired, policy.revision],
    );
    return rows.length > 0;
  }
}
