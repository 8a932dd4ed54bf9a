import type { AuditLoggedV1 } from '@careloop/contracts';
import { newUuid, waitFor } from '@careloop/testing';
import { UserOrgTestStack } from './support/user-org-test-stack';

jest.setTimeout(90_000);

interface Entry {
  auditId: string;
  actorId: string;
  action: string;
  occurredAt: string;
  sourceIp: string | null;
  target: { type: string; id: string };
}

interface Page {
  items: Entry[];
  nextCursor: string | null;
}

describe('audit trail (user-org-service over Kafka and HTTP)', () => {
  let stack: UserOrgTestStack;
  let orgId: string;
  let adminId: string;
  let admin: string;
  const nurse = newUuid();
  const reported: AuditLoggedV1[] = [];

  function entry(minute: number, overrides: Partial<AuditLoggedV1> = {}): AuditLoggedV1 {
    return {
      auditId: newUuid(),
      orgId,
      actorId: nurse,
      actorType: 'user',
      action: 'session.link.reissued',
      target: { type: 'session', id: newUuid() },
      outcome: 'success',
      sourceIp: '203.0.113.7',
      correlationId: 'corr-1',
      occurredAt: `2024-05-01T10:${String(minute).padStart(2, '0')}:00Z`,
      ...overrides,
    };
  }

  async function trail(query: string, token = admin) {
    return stack.http<Page>('GET', `/api/orgs/${orgId}/audit?${query}`, { token });
  }

  beforeAll(async () => {
    stack = await UserOrgTestStack.start();
    ({ orgId, adminId, adminToken: admin } = await stack.createOrganization());
    // What feedback-service would report: five actions of one nurse, one of another actor.
    reported.push(
      ...[1, 2, 3, 4, 5].map((minute) => entry(minute)),
      entry(6, { actorId: 'feedback-service', actorType: 'system', action: 'patient.erased' }),
    );
    for (const data of reported) await stack.publish('audit.logged', data);
    await waitFor(
      () => trail(`actorId=${nurse}&limit=200`),
      (result) => result.body.items?.length === 5,
      { description: 'the reported entries', timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('should keep what other services report, newest first, with actor, target, time and source IP', async () => {
    const result = await trail(`actorId=${nurse}`);

    expect(result.body.items.map((item) => item.auditId)).toEqual(
      reported
        .slice(0, 5)
        .reverse()
        .map((data) => data.auditId),
    );
    expect(result.body.items[0]).toEqual(
      expect.objectContaining({
        actorId: nurse,
        action: 'session.link.reissued',
        sourceIp: '203.0.113.7',
        occurredAt: '2024-05-01T10:05:00.000Z',
        target: reported[4]?.target,
      }),
    );
  });

  it('should filter by action and by a time window (from inclusive, to exclusive)', async () => {
    const byAction = await trail('action=patient.erased');
    const window = await trail(
      `actorId=${nurse}&from=2024-05-01T10:02:00Z&to=2024-05-01T10:04:00Z`,
    );

    expect(byAction.body.items.map((item) => item.actorId)).toEqual(['feedback-service']);
    expect(window.body.items.map((item) => item.occurredAt)).toEqual([
      '2024-05-01T10:03:00.000Z',
      '2024-05-01T10:02:00.000Z',
    ]);
  });

  it('should page with limit and cursor, each entry once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `actorId=${nurse}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { body: Page } = await trail(query);
      seen.push(...page.body.items.map((item) => item.auditId));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual(
      reported
        .slice(0, 5)
        .reverse()
        .map((data) => data.auditId),
    );
  });

  it("should record this service's own staff actions", async () => {
    await stack.http('POST', `/api/orgs/${orgId}/sites`, {
      token: admin,
      body: { name: 'Audited' },
    });

    const recorded = await waitFor(
      () => trail(`action=site.created&actorId=${adminId}`),
      (result) => result.body.items?.length === 1,
      { description: 'the site.created entry', timeoutMs: 30_000 },
    );

    expect(recorded.body.items[0]?.target.type).toBe('site');
  });

  it('should keep a redelivered entry once', async () => {
    const again = reported[0] as AuditLoggedV1;
    await stack.publish('audit.logged', again);
    await stack.publish('audit.logged', entry(30, { actorId: 'sentinel' }));
    await waitFor(
      () => trail('actorId=sentinel'),
      (result) => result.body.items?.length === 1,
      { description: 'the sentinel entry', timeoutMs: 30_000 },
    );

    expect((await trail(`actorId=${nurse}&limit=200`)).body.items).toHaveLength(5);
  });

  it('should be append-only: the database refuses UPDATE and DELETE, even by the owner role', async () => {
    async function attempt(statement: string): Promise<string> {
      const outcome = await stack.sql<{ message: string }>(async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
        try {
          await client.query(statement);
          return { rows: [{ message: 'allowed' }] };
        } catch (error) {
          return { rows: [{ message: (error as Error).message }] };
        } finally {
          await client.query('ROLLBACK');
        }
      });
      return outcome[0]?.message ?? '';
    }

    expect(await attempt(`UPDATE audit_entries SET action = 'nothing.happened'`)).toMatch(
      /append-only/,
    );
    expect(await attempt('DELETE FROM audit_entries')).toMatch(/append-only/);
    expect(await attempt('TRUNCATE audit_entries')).toMatch(/append-only|must be owner/);
  });

  it('should be for org admins only', async () => {
    const analyst = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['analyst'] });

    expect((await trail('', analyst)).status).toBe(403);
  });

  it.each([
    ['a from that is no date', 'from=yesterday', 'from'],
    ['an action that is no dotted name', 'action=DROP%20TABLE', 'action'],
    ['a cursor of another list', 'cursor=WyJQYXJpcyIsIngiXQ', 'cursor'],
  ])('should answer 400 for %s', async (_case, query, field) => {
    const result = await stack.http<{ errors: { field: string }[] }>(
      'GET',
      `/api/orgs/${orgId}/audit?${query}`,
      { token: admin },
    );

    expect(result.status).toBe(400);
    expect(result.body.errors.map((error) => error.field)).toContain(field);
  });
});
