import { AuditTrail } from '@careloop/audit';
import type { IdentityRegisteredV1, OrgSettingsV1 } from '@careloop/contracts';
import { OutboxWriter } from '@careloop/messaging';
import { bindTenant, TenantTransactions } from '@careloop/persistence';
import type { Principal } from '@careloop/security';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentitiesRepository } from '../identities/identities.repository';
import { actorIdOf, MembershipsService } from '../memberships/memberships.service';
import type { OrganizationResponse, OrgSettingsResponse } from './dto/org-settings.dto';
import { canonicalSettings, defaultOrgSettings, settingsRuleViolations } from './org-settings';
import { OrganizationErrors } from './organizations.errors';
import type { OrganizationRecord } from './organizations.repository';
import { OrganizationsRepository } from './organizations.repository';

function toSettingsResponse(organization: OrganizationRecord): OrgSettingsResponse {
  return {
    orgId: organization.orgId,
    revision: organization.settingsRevision,
    settings: organization.settings,
    updatedAt: organization.settingsUpdatedAt.toISOString(),
  };
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly organizations: OrganizationsRepository,
    private readonly identities: IdentitiesRepository,
    private readonly memberships: MembershipsService,
    private readonly outbox: OutboxWriter,
    private readonly auditTrail: AuditTrail,
  ) {}

  /**
   * `identity.registered`: remember the identity; when the signup created an organization, create
   * it with default settings and make the founder its org_admin. Runs in the inbox transaction.
   */
  async onIdentityRegistered(
    manager: EntityManager,
    registered: IdentityRegisteredV1,
  ): Promise<'processed'> {
    await this.identities.upsert(manager, {
      identityId: registered.identityId,
      email: registered.email,
      name: registered.name,
      registeredAt: new Date(registered.registeredAt),
    });
    const organization = registered.organization;
    if (!organization) return 'processed';

    await bindTenant(manager, organization.orgId);
    const createdAt = new Date(registered.registeredAt);
    const settings = defaultOrgSettings();
    const created = await this.organizations.insertIfAbsent(manager, organization.orgId, {
      name: organization.name,
      settings,
      createdBy: registered.identityId,
      createdAt,
    });
    // Re-published history (another event id for the same signup) must not found it twice.
    if (!created) return 'processed';
    await this.outbox.append(manager, 'org.created', {
      subject: organization.orgId,
      orgId: organization.orgId,
      data: {
        orgId: organization.orgId,
        name: organization.name,
        settings,
        createdBy: registered.identityId,
        createdAt: createdAt.toISOString(),
      },
    });
    await this.memberships.grantIn(
      manager,
      organization.orgId,
      { identityId: registered.identityId, role: 'org_admin' },
      createdAt,
    );
    await this.auditTrail.record(manager, {
      orgId: organization.orgId,
      action: 'organization.created',
      target: { type: 'organization', id: organization.orgId },
      actor: { id: registered.identityId, type: 'user' },
    });
    return 'processed';
  }

  getOrganization(orgId: string): Promise<OrganizationResponse> {
    return this.transactions.inTenant(orgId, async (manager) => {
      const organization = await this.require(manager, orgId);
      return {
        orgId: organization.orgId,
        name: organization.name,
        createdAt: organization.createdAt.toISOString(),
      };
    });
  }

  getSettings(orgId: string): Promise<OrgSettingsResponse> {
    return this.transactions.inTenant(orgId, async (manager) =>
      toSettingsResponse(await this.require(manager, orgId)),
    );
  }

  /** Full replace; publishes the whole new settings with the next revision. */
  replaceSettings(
    principal: Principal,
    orgId: string,
    requested: OrgSettingsV1,
  ): Promise<OrgSettingsResponse> {
    const violations = settingsRuleViolations(requested);
    if (violations.length > 0) throw OrganizationErrors.settingsRulesBroken(violations);
    const settings = canonicalSettings(requested);
    const updatedBy = actorIdOf(principal);
    return this.transactions.inTenant(orgId, async (manager) => {
      const at = new Date();
      const updated = await this.organizations.replaceSettings(manager, orgId, {
        settings,
        updatedBy,
        at,
      });
      if (!updated) throw OrganizationErrors.notFound();
      await this.outbox.append(manager, 'org.settings.updated', {
        subject: orgId,
        orgId,
        data: {
          orgId,
          revision: updated.settingsRevision,
          settings,
          updatedBy,
          updatedAt: at.toISOString(),
        },
      });
      await this.auditTrail.record(manager, {
        orgId,
        action: 'settings.updated',
        target: { type: 'organization', id: orgId },
        metadata: { revision: updated.settingsRevision },
      });
      return toSettingsResponse(updated);
    });
  }

  private async require(manager: EntityManager, orgId: string): Promise<OrganizationRecord> {
    const organization = await this.organizations.find(manager, orgId);
    if (!organization) throw OrganizationErrors.notFound();
    return organization;
  }
}
