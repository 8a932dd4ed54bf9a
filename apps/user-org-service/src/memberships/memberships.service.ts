import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { CursorPage, OrgRole } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { DomainError } from '@careloop/runtime';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toPage } from '../common/cursor';
import type { PageRequest } from '../common/list-query.dto';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { OrganizationErrors } from '../organizations/organizations.errors';
import type { MemberResponse } from './dto/membership.dto';
import { toMemberResponse } from './dto/membership.dto';
import { wouldLeaveNoAdmin } from './membership-rules';
import { MembershipErrors } from './memberships.errors';
import type { MembershipRecord } from './memberships.repository';
import { MembershipsRepository } from './memberships.repository';

export interface MembershipGrant {
  identityId: string;
  role: OrgRole;
  /** Absent for the founder of an organization created at signup. */
  grantedBy?: string;
}

@Injectable()
export class MembershipsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
  ) {}

  /** Grants a role inside the caller's transaction (tenant bound) and publishes the grant. */
  async grantIn(
    manager: EntityManager,
    orgId: string,
    grant: MembershipGrant,
    at: Date,
  ): Promise<MembershipRecord> {
    const membership = await this.memberships.grant(manager, orgId, {
      membershipId: randomUUID(),
      identityId: grant.identityId,
      role: grant.role,
      grantedBy: grant.grantedBy,
      at,
    });
    await this.outbox.append(manager, 'org.membership.granted', {
      subject: membership.membershipId,
      orgId,
      data: {
        membershipId: membership.membershipId,
        orgId,
        identityId: membership.identityId,
        role: membership.role,
        revision: membership.revision,
        ...(grant.grantedBy !== undefined ? { grantedBy: grant.grantedBy } : {}),
        grantedAt: at.toISOString(),
      },
    });
    return membership;
  }

  /**
   * Serializes membership changes of one organization (row lock on the organization), so two
   * admins demoting each other at once cannot both pass the last-admin check.
   */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<void> {
    const organization = await this.organizations.find(manager, orgId, { forUpdate: true });
    if (!organization) throw OrganizationErrors.notFound();
  }

  list(orgId: string, page: PageRequest): Promise<CursorPage<MemberResponse>> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const rows = await this.memberships.listActive(manager, orgId, page);
      return toPage(
        rows,
        page.limit,
        (member) => [(member.email ?? '').toLowerCase(), member.membershipId],
        toMemberResponse,
      );
    });
  }

  changeRole(
    principal: Principal,
    orgId: string,
    identityId: string,
    role: OrgRole,
  ): Promise<MemberResponse> {
    return this.transactions.inTenant(orgId, async (manager) => {
      await this.lockOrganization(manager, orgId);
      const current = await this.activeMembership(manager, orgId, identityId);
      if (current.role === role) return toMemberResponse({ ...current, email: null, name: null });
      const admins = await this.memberships.countActiveAdmins(manager, orgId);
      if (wouldLeaveNoAdmin(current, role, admins)) throw MembershipErrors.lastAdmin();
      const granted = await this.grantIn(
        manager,
        orgId,
        { identityId, role, grantedBy: actorIdOf(principal) },
        new Date(),
      );
      await this.auditTrail.record(manager, {
        orgId,
        action: 'membership.role.changed',
        target: { type: 'membership', id: granted.membershipId },
        metadata: { identityId, from: current.role, to: role },
      });
      return toMemberResponse({ ...granted, email: null, name: null });
    });
  }

  revoke(principal: Principal, orgId: string, identityId: string): Promise<void> {
    return this.transactions.inTenant(orgId, async (manager) => {
      await this.lockOrganization(manager, orgId);
      const current = await this.activeMembership(manager, orgId, identityId);
      const admins = await this.memberships.countActiveAdmins(manager, orgId);
      if (wouldLeaveNoAdmin(current, undefined, admins)) throw MembershipErrors.lastAdmin();
      const at = new Date();
      const revokedBy = actorIdOf(principal);
      const revoked = await this.memberships.revoke(
        manager,
        orgId,
        current.membershipId,
        revokedBy,
        at,
      );
      await this.outbox.append(manager, 'org.membership.revoked', {
        subject: revoked.membershipId,
        orgId,
        data: {
          membershipId: revoked.membershipId,
          orgId,
          identityId: revoked.identityId,
          revision: revoked.revision,
          revokedBy,
          revokedAt: at.toISOString(),
        },
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'membership.revoked',
        target: { type: 'membership', id: revoked.membershipId },
        metadata: { identityId, role: current.role },
      });
    });
  }

  private async activeMembership(
    manager: EntityManager,
    orgId: string,
    identityId: string,
  ): Promise<MembershipRecord> {
    const membership = await this.memberships.findByIdentity(manager, orgId, identityId, {
      forUpdate: true,
    });
    if (!membership || membership.revokedAt !== null) throw MembershipErrors.notFound();
    return membership;
  }
}

/**
 * The identity acting. Staff routes demand roles, which only user tokens carry; a client token
 * reaching here would be a wiring mistake, refused rather than recorded under a made-up actor.
 */
export function actorIdOf(principal: Principal): string {
  if (principal.userId === undefined) {
    throw new DomainError('forbidden', 'staff.user-required', 'This action needs a staff user');
  }
  return principal.userId;
}
