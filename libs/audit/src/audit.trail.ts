import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { AuditActorType, AuditLoggedV1, AuditOutcome } from '@careloop/contracts';
import { EventTypes } from '@careloop/contracts';
import type { OutboxWriter } from '@careloop/messaging';
import type { AuthenticatedCaller } from '@careloop/security';
import { RequestContext, TenantContext } from '@careloop/security';
import type { EntityManager } from 'typeorm';

export interface AuditActor {
  id: string;
  type: AuditActorType;
}

export interface AuditEntry {
  /** Dotted verb phrase, e.g. `membership.role.changed`, `session.link.reissued`. */
  action: string;
  target: { type: string; id: string };
  /** Defaults to the organization of the current request. */
  orgId?: string;
  /** Defaults to `success`. */
  outcome?: AuditOutcome;
  /** Small details; never secrets or patient contact data. */
  metadata?: Record<string, unknown>;
  /** Defaults to the request's caller (user or integration), else this service as `system`. */
  actor?: AuditActor;
}

export class AuditOrganizationMissingError extends Error {
  constructor(action: string) {
    super(`Audit entry "${action}" names no organization and none is in context`);
    this.name = 'AuditOrganizationMissingError';
  }
}

function actorOf(caller: AuthenticatedCaller | undefined): AuditActor | undefined {
  if (caller?.userId) return { id: caller.userId, type: 'user' };
  if (caller?.clientId) return { id: caller.clientId, type: 'integration' };
  return undefined;
}

/**
 * Records who did what to which thing, from where, as an `audit.logged` event written to the
 * outbox in the action's own transaction: an action and its audit entry commit together or not at
 * all. user-org-service keeps the organization's trail from these events.
 */
export class AuditTrail {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly serviceName: string,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const origin = RequestContext.current();
    const orgId = entry.orgId ?? TenantContext.current()?.orgId;
    if (!orgId) throw new AuditOrganizationMissingError(entry.action);
    const actor = entry.actor ??
      actorOf(origin?.caller) ?? { id: this.serviceName, type: 'system' };
    const auditId = randomUUID();
    const data: AuditLoggedV1 = {
      auditId,
      orgId,
      actorId: actor.id,
      actorType: actor.type,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome ?? 'success',
      occurredAt: new Date().toISOString(),
    };
    if (origin?.sourceIp && isIP(origin.sourceIp) !== 0) data.sourceIp = origin.sourceIp;
    if (origin?.correlationId) data.correlationId = origin.correlationId;
    if (entry.metadata) data.metadata = entry.metadata;
    await this.outbox.append(manager, EventTypes.AuditLogged, { subject: auditId, orgId, data });
  }
}
