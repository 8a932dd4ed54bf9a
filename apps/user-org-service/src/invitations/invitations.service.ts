import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@careloop/audit';
import type { CursorPage, OrgRole } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { TenantTransactions } from '@careloop/persistence';
import type { AuthenticatedCaller, Principal } from '@careloop/security';
import { Inject, Injectable } from '@nestjs/common';
import { toPage } from '../common/cursor';
import type { PageRequest } from '../common/list-query.dto';
import { IdentitiesRepository } from '../identities/identities.repository';
import { MembershipsRepository } from '../memberships/memberships.repository';
import { actorIdOf, MembershipsService } from '../memberships/memberships.service';
import { OrganizationErrors } from '../organizations/organizations.errors';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import type {
  AcceptedInvitationResponse,
  CreatedInvitationResponse,
  InvitationResponse,
} from './dto/invitation.dto';
import {
  hashInvitationToken,
  invitationExpiry,
  invitationStatus,
  organizationOfInvitationToken,
  newInvitationToken,
} from './invitation-token';
import { InvitationErrors } from './invitations.errors';
import type { InvitationRecord } from './invitations.repository';
import { InvitationsRepository } from './invitations.repository';

export interface InvitationOptions {
  /** The web app's address; links are `<publicWebUrl>/invitations/<token>`. */
  publicWebUrl: string;
  ttlHours: number;
}

export const INVITATION_OPTIONS = Symbol('InvitationOptions');

function toResponse(invitation: InvitationRecord, now: Date): InvitationResponse {
  return {
    invitationId: invitation.invitationId,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, now),
    createdAt: invitation.createdAt.toISOString(),
    expiresAt: invitation.expiresAt.toISOString(),
  };
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly invitations: InvitationsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly identities: IdentitiesRepository,
    private readonly membershipRecords: MembershipsRepository,
    private readonly memberships: MembershipsService,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
    @Inject(INVITATION_OPTIONS) private readonly options: InvitationOptions,
  ) {}

  /**
   * Invites an email to a role. A pending invitation to the same address is superseded (revoked),
   * so "send it again" is simply inviting again and only the newest link works.
   */
  create(
    principal: Principal,
    orgId: string,
    request: { email: string; role: OrgRole },
  ): Promise<CreatedInvitationResponse> {
    const invitedBy = actorIdOf(principal);
    return this.transactions.inTenant(orgId, async (manager) => {
      const organization = await this.organizations.find(manager, orgId);
      if (!organization) throw OrganizationErrors.notFound();
      if (await this.membershipRecords.findActiveByEmail(manager, orgId, request.email)) {
        throw InvitationErrors.alreadyMember();
      }
      const now = new Date();
      const superseded = await this.invitations.revokePendingFor(
        manager,
        orgId,
        request.email,
        invitedBy,
        now,
      );
      const { token, hash } = newInvitationToken(orgId);
      const invitation: InvitationRecord = {
        invitationId: randomUUID(),
        orgId,
        email: request.email,
        role: request.role,
        invitedBy,
        createdAt: now,
        expiresAt: invitationExpiry(now, this.options.ttlHours),
        acceptedAt: null,
        revokedAt: null,
      };
      await this.invitations.insert(manager, orgId, { ...invitation, tokenHash: hash });
      const acceptUrl = `${this.options.publicWebUrl.replace(/\/+$/, '')}/invitations/${token}`;
      await this.outbox.append(manager, 'org.invitation.created', {
        subject: invitation.invitationId,
        orgId,
        data: {
          invitationId: invitation.invitationId,
          orgId,
          orgName: organization.name,
          email: invitation.email,
          role: invitation.role,
          invitedBy,
          acceptUrl,
          expiresAt: invitation.expiresAt.toISOString(),
        },
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'invitation.created',
        target: { type: 'invitation', id: invitation.invitationId },
        metadata: { role: invitation.role, supersededInvitations: superseded.length },
      });
      return { ...toResponse(invitation, now), token, acceptUrl };
    });
  }

  list(orgId: string, page: PageRequest): Promise<CursorPage<InvitationResponse>> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const rows = await this.invitations.list(manager, orgId, page);
      const now = new Date();
      return toPage(
        rows,
        page.limit,
        (invitation) => [invitation.createdAt.toISOString(), invitation.invitationId],
        (invitation) => toResponse(invitation, now),
      );
    });
  }

  /** Revoking twice is harmless; an accepted invitation is history and cannot be revoked. */
  revoke(principal: Principal, orgId: string, invitationId: string): Promise<void> {
    const revokedBy = actorIdOf(principal);
    return this.transactions.inTenant(orgId, async (manager) => {
      const invitation = await this.invitations.find(manager, orgId, invitationId, {
        forUpdate: true,
      });
      if (!invitation) throw InvitationErrors.notFound();
      if (invitation.acceptedAt !== null) throw InvitationErrors.alreadyAccepted();
      if (invitation.revokedAt !== null) return;
      await this.invitations.markRevoked(manager, orgId, invitationId, revokedBy, new Date());
      await this.auditTrail.record(manager, {
        orgId,
        action: 'invitation.revoked',
        target: { type: 'invitation', id: invitationId },
      });
    });
  }

  /**
   * The invitee (signed in, possibly in no organization yet) accepts: only the identity whose
   * email the invitation names, once, before it expires.
   */
  accept(caller: AuthenticatedCaller, token: string): Promise<AcceptedInvitationResponse> {
    const identityId = caller.userId;
    if (identityId === undefined) throw InvitationErrors.userRequired();
    const orgId = organizationOfInvitationToken(token);
    if (orgId === undefined) throw InvitationErrors.notFound();
    const tokenHash = hashInvitationToken(token);
    return this.transactions
      .inTenant(orgId, async (manager) => {
        const invitationId = await this.invitations.findIdByTokenHash(manager, orgId, tokenHash);
        if (invitationId === undefined) throw InvitationErrors.notFound();
        await this.memberships.lockOrganization(manager, orgId);
        const invitation = await this.invitations.find(manager, orgId, invitationId, {
          forUpdate: true,
        });
        if (!invitation) throw InvitationErrors.notFound();
        const now = new Date();
        const status = invitationStatus(invitation, now);
        if (status === 'accepted') throw InvitationErrors.alreadyAccepted();
        if (status !== 'pending') throw InvitationErrors.notFound();

        const identity = await this.identities.find(manager, identityId);
        if (!identity) throw InvitationErrors.identityNotYetKnown();
        if (identity.email.toLowerCase() !== invitation.email.toLowerCase()) {
          await this.auditTrail.record(manager, {
            orgId,
            action: 'invitation.accept.denied',
            target: { type: 'invitation', id: invitationId },
            outcome: 'denied',
            metadata: { reason: 'email_mismatch' },
          });
          // The denial is worth keeping: commit it, then answer 403.
          return { denied: true as const };
        }
        const existing = await this.membershipRecords.findByIdentity(manager, orgId, identityId);
        if (existing && existing.revokedAt === null) throw InvitationErrors.alreadyMember();

        await this.invitations.markAccepted(manager, orgId, invitationId, identityId, now);
        const membership = await this.memberships.grantIn(
          manager,
          orgId,
          { identityId, role: invitation.role, grantedBy: invitation.invitedBy },
          now,
        );
        await this.auditTrail.record(manager, {
          orgId,
          action: 'invitation.accepted',
          target: { type: 'invitation', id: invitationId },
          metadata: { membershipId: membership.membershipId, role: membership.role },
        });
        return { denied: false as const, orgId, role: membership.role };
      })
      .then((outcome) => {
        if (outcome.denied) throw InvitationErrors.emailMismatch();
        return { orgId: outcome.orgId, role: outcome.role };
      });
  }
}
