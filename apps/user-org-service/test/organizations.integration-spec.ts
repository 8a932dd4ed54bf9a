import type { IdentityRegisteredV1, OrgSettingsUpdatedV1 } from '@careloop/contracts';
import { newUuid, waitFor } from '@careloop/testing';
import { defaultOrgSettings } from '../src/organizations/org-settings';
import { UserOrgTestStack } from './support/user-org-test-stack';

jest.setTimeout(90_000);

describe('organizations (user-org-service over HTTP and Kafka)', () => {
  let stack: UserOrgTestStack;
  const orgId = newUuid();
  const founderId = newUuid();
  const otherOrgId = newUuid();
  let signup: IdentityRegisteredV1;

  beforeAll(async () => {
    stack = await UserOrgTestStack.start();
    signup = {
      identityId: founderId,
      email: 'founder@clinic.example.org',
      name: 'Paul Founder',
      organization: { orgId, name: 'Clinique du Parc' },
      registeredAt: '2024-01-10T09:00:00Z',
    };
    await stack.publish('identity.registered', signup);
    await stack.publish('identity.registered', {
      identityId: newUuid(),
      email: 'other@elsewhere.example.org',
      name: 'Other Founder',
      organization: { orgId: otherOrgId, name: 'Elsewhere' },
      registeredAt: '2024-01-10T09:00:00Z',
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function admin(): Promise<string> {
    return stack.tokenFor({ sub: founderId, org: orgId, roles: ['org_admin'] });
  }

  async function organizationOf(id: string) {
    return waitFor(
      async () =>
        stack.http('GET', `/api/orgs/${id}`, {
          token: await stack.tokenFor({ sub: newUuid(), org: id, roles: ['viewer'] }),
        }),
      (result) => result.status === 200,
      { description: `organization ${id}`, timeoutMs: 30_000 },
    );
  }

  describe('identity.registered', () => {
    it('should create the organization, its default settings and the founder as org_admin', async () => {
      const organization = await organizationOf(orgId);

      expect(organization.body).toEqual({
        orgId,
        name: 'Clinique du Parc',
        createdAt: '2024-01-10T09:00:00.000Z',
      });
      const members = await stack.http<{ items: Record<string, unknown>[] }>(
        'GET',
        `/api/orgs/${orgId}/members`,
        { token: await admin() },
      );
      expect(members.body.items).toEqual([
        expect.objectContaining({
          identityId: founderId,
          email: 'founder@clinic.example.org',
          name: 'Paul Founder',
          role: 'org_admin',
        }),
      ]);
    });

    it('should publish org.created and org.membership.granted at revision 1', async () => {
      await organizationOf(orgId);

      const created = await waitFor(
        () =>
          stack.eventsOf<{ orgId: string }>('org.created').filter((e) => e.data.orgId === orgId),
        (events) => events.length > 0,
        { description: 'org.created', timeoutMs: 30_000 },
      );
      const granted = await waitFor(
        () =>
          stack
            .eventsOf<{ orgId: string }>('org.membership.granted')
            .filter((e) => e.data.orgId === orgId),
        (events) => events.length > 0,
        { description: 'org.membership.granted', timeoutMs: 30_000 },
      );
      expect(created[0]?.data).toEqual(
        expect.objectContaining({ orgId, createdBy: founderId, settings: defaultOrgSettings() }),
      );
      expect(created[0]?.orgid).toBe(orgId);
      expect(granted[0]?.data).toEqual(
        expect.objectContaining({ orgId, identityId: founderId, role: 'org_admin', revision: 1 }),
      );
    });

    it('should have no second effect when the event is delivered again or re-published', async () => {
      await organizationOf(orgId);
      const redelivered = await stack.publish('identity.registered', signup);
      await stack.publishEvent({ ...redelivered });
      const sentinel = newUuid();
      await stack.publish('identity.registered', {
        identityId: sentinel,
        email: 'invitee@clinic.example.org',
        name: 'Later Invitee',
        registeredAt: '2024-01-11T09:00:00Z',
      });
      // One partition: once the later identity is known, the repeats before it were applied.
      await waitFor(
        () =>
          stack.sql((client) =>
            client.query('SELECT 1 FROM identities WHERE identity_id = $1', [sentinel]),
          ),
        (rows) => rows.length === 1,
        { description: 'the sentinel identity', timeoutMs: 30_000 },
      );
      await waitFor(
        () =>
          stack.sql<{ count: string }>((client) =>
            client.query('SELECT count(*) FROM outbox_message'),
          ),
        (rows) => rows[0]?.count === '0',
        { description: 'a drained outbox' },
      );

      const rows = await stack.sql(async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
        const result = await client.query('SELECT membership_id, revision FROM memberships');
        await client.query('COMMIT');
        return result;
      });
      expect(rows).toEqual([expect.objectContaining({ revision: 1 })]);
      expect(
        stack.eventsOf<{ orgId: string }>('org.created').filter((e) => e.data.orgId === orgId),
      ).toHaveLength(1);
    });
  });

  describe('settings', () => {
    it.each(['org_admin', 'survey_editor', 'analyst', 'viewer'])(
      'should be readable by a %s',
      async (role) => {
        await organizationOf(orgId);
        const token = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: [role] });

        const result = await stack.http('GET', `/api/orgs/${orgId}/settings`, { token });

        expect(result.status).toBe(200);
        expect(result.body).toEqual(expect.objectContaining({ orgId }));
        expect(result.body['settings']).toEqual(expect.objectContaining({ timezone: 'UTC' }));
      },
    );

    it('should refuse a change by an analyst with 403', async () => {
      await organizationOf(orgId);
      const token = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['analyst'] });

      const result = await stack.http('PUT', `/api/orgs/${orgId}/settings`, {
        token,
        body: defaultOrgSettings(),
      });

      expect(result.status).toBe(403);
    });

    it('should refuse a token of another organization with 403', async () => {
      await organizationOf(orgId);
      const token = await stack.tokenFor({ sub: newUuid(), org: otherOrgId, roles: ['org_admin'] });

      expect((await stack.http('GET', `/api/orgs/${orgId}/settings`, { token })).status).toBe(403);
    });

    it('should let a platform admin read any organization', async () => {
      await organizationOf(orgId);
      const token = await stack.tokenFor({
        sub: newUuid(),
        org: otherOrgId,
        roles: ['platform_admin'],
      });

      expect((await stack.http('GET', `/api/orgs/${orgId}/settings`, { token })).status).toBe(200);
    });

    it('should replace the settings, raise the revision and publish org.settings.updated', async () => {
      await organizationOf(orgId);
      const before = await stack.http<{ revision: number }>('GET', `/api/orgs/${orgId}/settings`, {
        token: await admin(),
      });
      const settings = {
        ...defaultOrgSettings(),
        timezone: 'Europe/Paris',
        defaultLanguage: 'fr',
        languages: ['fr', 'en'],
        alertRecipients: ['quality@clinic.example.org'],
        mfaRequired: true,
        branding: { primaryColor: '#112233', logoUrl: 'https://cdn.example.org/logo.png' },
      };

      const result = await stack.http<{ revision: number; settings: unknown }>(
        'PUT',
        `/api/orgs/${orgId}/settings`,
        { token: await admin(), body: settings },
      );

      expect(result.status).toBe(200);
      expect(result.body.revision).toBe(before.body.revision + 1);
      expect(result.body.settings).toEqual(settings);
      const published = await waitFor(
        () =>
          stack
            .eventsOf<OrgSettingsUpdatedV1>('org.settings.updated')
            .filter((event) => event.data.revision === result.body.revision),
        (events) => events.length === 1,
        { description: 'org.settings.updated', timeoutMs: 30_000 },
      );
      expect(published[0]?.data).toEqual(
        expect.objectContaining({ orgId, updatedBy: founderId, settings }),
      );
    });

    it('should answer 400 naming quietHours.start when it is no time', async () => {
      await organizationOf(orgId);

      const result = await stack.http<{ errors: { field: string }[] }>(
        'PUT',
        `/api/orgs/${orgId}/settings`,
        {
          token: await admin(),
          body: { ...defaultOrgSettings(), quietHours: { start: '7pm', end: '08:00' } },
        },
      );

      expect(result.status).toBe(400);
      expect(result.body.errors.map((error) => error.field)).toEqual(['quietHours.start']);
    });

    it('should answer 400 and not 500 for a body that is not an object', async () => {
      await organizationOf(orgId);

      const result = await stack.http('PUT', `/api/orgs/${orgId}/settings`, {
        token: await admin(),
        body: ['settings'],
      });

      expect(result.status).toBe(400);
    });

    it('should answer 422 naming languages when they leave out the default language', async () => {
      await organizationOf(orgId);

      const result = await stack.http<{ errors: { field: string }[] }>(
        'PUT',
        `/api/orgs/${orgId}/settings`,
        {
          token: await admin(),
          body: { ...defaultOrgSettings(), defaultLanguage: 'de', languages: ['en'] },
        },
      );

      expect(result.status).toBe(422);
      expect(result.body.errors.map((error) => error.field)).toEqual(['languages']);
    });
  });

  describe('row-level security', () => {
    it('should show the service role only the bound organization, and none unbound', async () => {
      await organizationOf(orgId);
      await organizationOf(otherOrgId);

      const [bound, unbound] = await stack
        .sql<{ bound: string[]; unbound: string[] }>(async (client) => {
          await client.query('BEGIN');
          await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
          const inTenant = await client.query<{ org_id: string }>(
            'SELECT org_id FROM organizations',
          );
          await client.query('COMMIT');
          const outside = await client.query<{ org_id: string }>(
            'SELECT org_id FROM organizations',
          );
          return {
            rows: [
              {
                bound: inTenant.rows.map((row) => row.org_id),
                unbound: outside.rows.map((row) => row.org_id),
              },
            ],
          };
        })
        .then((rows) => [rows[0]?.bound, rows[0]?.unbound]);

      expect(bound).toEqual([orgId]);
      expect(unbound).toEqual([]);
    });
  });
});
