import { createHash } from 'node:crypto';
import type { OrgInvitationCreatedV1, OrgMembershipGrantedV1 } from '@careloop/contracts';
import { newUuid, uniqueSuffix, waitFor } from '@careloop/testing';
import { UserOrgTestStack } from './support/user-org-test-stack';

jest.setTimeout(90_000);

interface Created {
  invitationId: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  token: string;
  acceptUrl: string;
}

describe('invitations and memberships (user-org-service over HTTP and Kafka)', () => {
  let stack: UserOrgTestStack;
  let orgId: string;
  let adminId: string;
  let admin: string;

  beforeAll(async () => {
    stack = await UserOrgTestStack.start();
    ({ orgId, adminId, adminToken: admin } = await stack.createOrganization());
  });

  afterAll(async () => {
    await stack?.stop();
  });

  function inviteeEmail(): string {
    return `invitee-${uniqueSuffix()}@clinic.example.org`;
  }

  async function invite(email: string, role = 'analyst'): Promise<Created> {
    const result = await stack.http<Created>('POST', `/api/orgs/${orgId}/invitations`, {
      token: admin,
      body: { email, role },
    });
    expect(result.status).toBe(201);
    return result.body;
  }

  /** A signed-in person who belongs to no organization yet: a token without `org`. */
  async function signedInAs(email: string): Promise<{ identityId: string; token: string }> {
    const identityId = await stack.registerIdentity(email);
    return { identityId, token: await stack.tokenFor({ sub: identityId }) };
  }

  function accept(token: string, bearer: string) {
    return stack.http<{ orgId: string; role: string }>(
      'POST',
      `/api/orgs/invitations/${token}/accept`,
      { token: bearer },
    );
  }

  it('should answer 201 with the link once, publish it for the email, and keep only its hash', async () => {
    const email = inviteeEmail();

    const created = await invite(email);

    expect(created).toEqual(expect.objectContaining({ email, role: 'analyst', status: 'pending' }));
    expect(created.acceptUrl).toBe(`http://careloop.test/invitations/${created.token}`);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(167 * 3_600_000);
    const published = await waitFor(
      () =>
        stack
          .eventsOf<OrgInvitationCreatedV1>('org.invitation.created')
          .filter((event) => event.data.invitationId === created.invitationId),
      (events) => events.length === 1,
      { description: 'org.invitation.created', timeoutMs: 30_000 },
    );
    expect(published[0]?.data).toEqual(
      expect.objectContaining({
        orgId,
        orgName: 'Clinique du Parc',
        email,
        role: 'analyst',
        invitedBy: adminId,
        acceptUrl: created.acceptUrl,
      }),
    );
    const stored = await stack.sql<Record<string, unknown>>(async (client) => {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
      const result = await client.query('SELECT * FROM invitations WHERE invitation_id = $1', [
        created.invitationId,
      ]);
      await client.query('COMMIT');
      return result;
    });
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect(stored[0]?.['token_hash']).toEqual(createHash('sha256').update(created.token).digest());
  });

  it('should let the invited person accept, grant the role and publish membership.granted', async () => {
    const email = inviteeEmail();
    const created = await invite(email, 'survey_editor');
    // The invitee signed up with another capitalisation: emails compare without case.
    const invitee = await signedInAs(email.toUpperCase());

    const accepted = await accept(created.token, invitee.token);

    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ orgId, role: 'survey_editor' });
    const granted = await waitFor(
      () =>
        stack
          .eventsOf<OrgMembershipGrantedV1>('org.membership.granted')
          .filter((event) => event.data.identityId === invitee.identityId),
      (events) => events.length === 1,
      { description: 'org.membership.granted', timeoutMs: 30_000 },
    );
    expect(granted[0]?.data).toEqual(
      expect.objectContaining({ orgId, role: 'survey_editor', revision: 1, grantedBy: adminId }),
    );
    const members = await stack.http<{ items: { identityId: string; role: string }[] }>(
      'GET',
      `/api/orgs/${orgId}/members`,
      { token: admin },
    );
    expect(members.body.items).toContainEqual(
      expect.objectContaining({ identityId: invitee.identityId, role: 'survey_editor' }),
    );
  });

  it('should answer 409 when an accepted invitation is used again', async () => {
    const email = inviteeEmail();
    const created = await invite(email);
    const invitee = await signedInAs(email);
    await accept(created.token, invitee.token);

    expect((await accept(created.token, invitee.token)).status).toBe(409);
  });

  it('should answer 403 to a person signed in with another email', async () => {
    const created = await invite(inviteeEmail());
    const stranger = await signedInAs(inviteeEmail());

    expect((await accept(created.token, stranger.token)).status).toBe(403);
  });

  it('should answer 404 for an expired invitation', async () => {
    const email = inviteeEmail();
    const created = await invite(email);
    const invitee = await signedInAs(email);
    await stack.sql(async (client) => {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
      await client.query(
        `UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE invitation_id = $1`,
        [created.invitationId],
      );
      return client.query('COMMIT');
    });

    expect((await accept(created.token, invitee.token)).status).toBe(404);
  });

  it('should answer 404 for a revoked invitation and for tokens it never issued', async () => {
    const email = inviteeEmail();
    const created = await invite(email);
    const invitee = await signedInAs(email);

    const revoked = await stack.http(
      'DELETE',
      `/api/orgs/${orgId}/invitations/${created.invitationId}`,
      { token: admin },
    );

    expect(revoked.status).toBe(204);
    expect((await accept(created.token, invitee.token)).status).toBe(404);
    expect((await accept('A'.repeat(43), invitee.token)).status).toBe(404);
    expect((await accept('not-a-token', invitee.token)).status).toBe(404);
  });

  it('should supersede a pending invitation to the same email', async () => {
    const email = inviteeEmail();
    const first = await invite(email);
    const second = await invite(email, 'viewer');
    const invitee = await signedInAs(email);

    expect((await accept(first.token, invitee.token)).status).toBe(404);
    expect((await accept(second.token, invitee.token)).body).toEqual({ orgId, role: 'viewer' });
  });

  it('should list invitations newest first with their status', async () => {
    const created = await invite(inviteeEmail());

    const listed = await stack.http<{ items: { invitationId: string; status: string }[] }>(
      'GET',
      `/api/orgs/${orgId}/invitations?limit=1`,
      { token: admin },
    );

    expect(listed.body.items).toEqual([
      expect.objectContaining({ invitationId: created.invitationId, status: 'pending' }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.token);
  });

  it('should refuse invitations by an analyst (403) and unknown roles (400)', async () => {
    const analyst = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['analyst'] });

    const byAnalyst = await stack.http('POST', `/api/orgs/${orgId}/invitations`, {
      token: analyst,
      body: { email: inviteeEmail(), role: 'viewer' },
    });
    const badRole = await stack.http<{ errors: { field: string }[] }>(
      'POST',
      `/api/orgs/${orgId}/invitations`,
      { token: admin, body: { email: 'not-an-email', role: 'owner' } },
    );

    expect(byAnalyst.status).toBe(403);
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors.map((error) => error.field).sort()).toEqual(['email', 'role']);
  });

  describe('memberships', () => {
    it('should change a role at the next revision and remove a member with membership.revoked', async () => {
      const email = inviteeEmail();
      const invitee = await signedInAs(email);
      await accept((await invite(email)).token, invitee.token);

      const changed = await stack.http(
        'PATCH',
        `/api/orgs/${orgId}/members/${invitee.identityId}`,
        {
          token: admin,
          body: { role: 'viewer' },
        },
      );
      const removed = await stack.http(
        'DELETE',
        `/api/orgs/${orgId}/members/${invitee.identityId}`,
        { token: admin },
      );

      expect(changed.status).toBe(200);
      expect(changed.body).toEqual(expect.objectContaining({ role: 'viewer' }));
      expect(removed.status).toBe(204);
      const revoked = await waitFor(
        () =>
          stack
            .eventsOf<{ identityId: string; revision: number }>('org.membership.revoked')
            .filter((event) => event.data.identityId === invitee.identityId),
        (events) => events.length === 1,
        { description: 'org.membership.revoked', timeoutMs: 30_000 },
      );
      expect(revoked[0]?.data.revision).toBe(3);
    });

    it('should refuse to demote or remove the last org_admin with 422', async () => {
      const demoted = await stack.http('PATCH', `/api/orgs/${orgId}/members/${adminId}`, {
        token: admin,
        body: { role: 'analyst' },
      });
      const removed = await stack.http('DELETE', `/api/orgs/${orgId}/members/${adminId}`, {
        token: admin,
      });

      expect([demoted.status, removed.status]).toEqual([422, 422]);
    });

    it('should let an admin step down once another admin exists', async () => {
      const other = await stack.createOrganization('Two admins');
      const email = inviteeEmail();
      const second = await signedInAs(email);
      const invitation = await stack.http<Created>('POST', `/api/orgs/${other.orgId}/invitations`, {
        token: other.adminToken,
        body: { email, role: 'org_admin' },
      });
      await accept(invitation.body.token, second.token);

      const steppedDown = await stack.http(
        'PATCH',
        `/api/orgs/${other.orgId}/members/${other.adminId}`,
        { token: other.adminToken, body: { role: 'viewer' } },
      );

      expect(steppedDown.status).toBe(200);
    });

    it('should answer 404 for a member that does not exist', async () => {
      const result = await stack.http('PATCH', `/api/orgs/${orgId}/members/${newUuid()}`, {
        token: admin,
        body: { role: 'viewer' },
      });

      expect(result.status).toBe(404);
    });
  });
});
