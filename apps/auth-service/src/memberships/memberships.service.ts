import type {
  OrgCreatedV1,
  OrgMembershipGrantedV1,
  OrgMembershipRevokedV1,
  OrgSettingsUpdatedV1,
} from '@careloop/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IdentityMembership } from './memberships.repository';
import { MembershipsRepository } from './memberships.repository';

export type ProjectionOutcome = 'processed' | 'skipped';

/**
 * Keeps what token claims need from user-org-service: who holds which role where, and which
 * organizations require a second factor. Stale events (a revision not above the one held) change
 * nothing, so replaying the topics from offset 0 rebuilds the same state.
 */
@Injectable()
export class MembershipsService {
  constructor(private readonly memberships: MembershipsRepository) {}

  async applyGranted(
    manager: EntityManager,
    event: OrgMembershipGrantedV1,
  ): Promise<ProjectionOutcome> {
    const changed = await this.memberships.upsert(manager, event.orgId, {
      membershipId: event.membershipId,
      orgId: event.orgId,
      identityId: event.identityId,
      role: event.role,
      revision: event.revision,
      revoked: false,
    });
    return changed ? 'processed' : 'skipped';
  }

  async applyRevoked(
    manager: EntityManager,
    event: OrgMembershipRevokedV1,
  ): Promise<ProjectionOutcome> {
    // The role of a revoked membership no longer matters; a later grant brings the real one.
    const changed = await this.memberships.upsert(manager, event.orgId, {
      membershipId: event.membershipId,
      orgId: event.orgId,
      identityId: event.identityId,
      role: 'viewer',
      revision: event.revision,
      revoked: true,
    });
    return changed ? 'processed' : 'skipped';
  }

  async applyOrgCreated(manager: EntityManager, event: OrgCreatedV1): Promise<ProjectionOutcome> {
    const changed = await this.memberships.upsertSecurityPolicy(manager, event.orgId, {
      mfaRequired: event.settings.mfaRequired === true,
      revision: 0,
    });
    return changed ? 'processed' : 'skipped';
  }

  async applySettingsUpdated(
    manager: EntityManager,
    event: OrgSettingsUpdatedV1,
  ): Promise<ProjectionOutcome> {
    const changed = await this.memberships.upsertSecurityPolicy(manager, event.orgId, {
      mfaRequired: event.settings.mfaRequired === true,
      revision: event.revision,
    });
    return changed ? 'processed' : 'skipped';
  }

  /**
   * The founder's org_admin membership, written in the signup transaction so the new user acts in
   * the org at once. It is provisional (revision 0): the first grant or revocation user-org-service
   * publishes for this person in this org replaces it, whatever membership id it carries.
   */
  async recordFounder(
    manager: EntityManager,
    founder: { membershipId: string; orgId: string; identityId: string },
  ): Promise<void> {
    await this.memberships.upsert(manager, founder.orgId, {
      ...founder,
      role: 'org_admin',
      revision: 0,
      revoked: false,
    });
  }

  listForIdentity(manager: EntityManager, identityId: string): Promise<IdentityMembership[]> {
    return this.memberships.listForIdentity(manager, identityId);
  }
}
