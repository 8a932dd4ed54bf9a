import type { AppendEventInput, OutboxWriter } from '@careloop/messaging';
import type { Principal } from '@careloop/security';
import { RequestContext, TenantContext } from '@careloop/security';
import type { EntityManager } from 'typeorm';
import { AuditOrganizationMissingError, AuditTrail } from './audit.trail';

const orgId = '5b0d3c4e-2d7a-4a43-9d0e-6f1b2a3c4d5e';
const manager = {} as EntityManager;
const member: Principal = { userId: 'user-1', orgId, roles: ['org_admin'], scopes: [] };

function newAuditTrail() {
  const appended: { type: string; input: AppendEventInput<'audit.logged'> }[] = [];
  const outbox = {
    append: jest.fn(
      (_manager: EntityManager, type: string, input: AppendEventInput<'audit.logged'>) => {
        appended.push({ type, input });
        return Promise.resolve({ eventId: 'e' });
      },
    ),
  } as unknown as OutboxWriter;
  return { sut: new AuditTrail(outbox, 'user-org-service'), appended };
}

describe(AuditTrail.name, () => {
  it('should record the request caller, source address and correlation id in the org of the request', async () => {
    const { sut, appended } = newAuditTrail();
    await RequestContext.run(
      { caller: member, sourceIp: '203.0.113.7', correlationId: 'corr-1' },
      () =>
        TenantContext.run(member, () =>
          sut.record(manager, { action: 'site.created', target: { type: 'site', id: 's-1' } }),
        ),
    );

    expect(appended).toHaveLength(1);
    const [{ type, input }] = appended as [(typeof appended)[number]];
    expect(type).toBe('audit.logged');
    expect(input.orgId).toBe(orgId);
    expect(input.subject).toBe(input.data.auditId);
    expect(input.data).toMatchObject({
      orgId,
      actorId: 'user-1',
      actorType: 'user',
      action: 'site.created',
      target: { type: 'site', id: 's-1' },
      outcome: 'success',
      sourceIp: '203.0.113.7',
      correlationId: 'corr-1',
    });
  });

  it('should name an integration client as the actor of its requests', async () => {
    const { sut, appended } = newAuditTrail();
    const client: Principal = { clientId: 'client-9', orgId, roles: [], scopes: [] };
    await RequestContext.run({ caller: client }, () =>
      sut.record(manager, {
        orgId,
        action: 'appointment.imported',
        target: { type: 'appointment', id: 'a' },
      }),
    );
    expect(appended[0]?.input.data).toMatchObject({
      actorId: 'client-9',
      actorType: 'integration',
    });
  });

  it('should name the service as a system actor outside any request', async () => {
    const { sut, appended } = newAuditTrail();
    await sut.record(manager, {
      orgId,
      action: 'session.expired',
      target: { type: 'session', id: 's' },
      outcome: 'failure',
      metadata: { reason: 'lifetime' },
    });
    expect(appended[0]?.input.data).toMatchObject({
      actorId: 'user-org-service',
      actorType: 'system',
      outcome: 'failure',
      metadata: { reason: 'lifetime' },
    });
    expect(appended[0]?.input.data.sourceIp).toBeUndefined();
  });

  it('should leave out a source address that is not an IP', async () => {
    const { sut, appended } = newAuditTrail();
    await RequestContext.run({ caller: member, sourceIp: 'unknown' }, () =>
      sut.record(manager, { orgId, action: 'site.read', target: { type: 'site', id: 's' } }),
    );
    expect(appended[0]?.input.data.sourceIp).toBeUndefined();
  });

  it('should refuse an entry with no organization in the entry or the context', async () => {
    const { sut } = newAuditTrail();
    await expect(
      sut.record(manager, { action: 'site.created', target: { type: 'site', id: 's' } }),
    ).rejects.toBeInstanceOf(AuditOrganizationMissingError);
  });
});
