import { JwtVerifier } from '@careloop/security';
import type { JSONWebKeySet } from 'jose';
import type { AuthTestApp, TokenPair } from './support/auth-test-app';
import { testKafka, uniqueSuffix, waitFor } from '@careloop/testing';
import { call, goodPassword, startAuthService, uniqueEmail } from './support/auth-test-app';

jest.setTimeout(180_000);

interface CreatedClient {
  clientId: string;
  clientSecret: string;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('auth-service integration clients', () => {
  let auth: AuthTestApp;
  let admin: TokenPair;

  beforeAll(async () => {
    auth = await startAuthService();
    const signup = await call<TokenPair>(`${auth.url}/api/auth/signup`, 'POST', {
      email: uniqueEmail('admin'),
      password: goodPassword,
      name: 'Admin',
      organizationName: 'Integrated Clinic',
    });
    admin = signup.body;
  });

  afterAll(async () => {
    await auth?.close();
  });

  const api = (path: string) => `${auth.url}/api/auth${path}`;
  const asAdmin = () => ({ authorization: `Bearer ${admin.accessToken}` });

  /** Audit entries about a target, as published to this test's audit.logged topic. */
  async function auditedActions(targetId: string): Promise<string[]> {
    const consumer = testKafka(`audit-reader-${uniqueSuffix()}`).consumer({
      groupId: `audit-${uniqueSuffix()}`,
    });
    const actions: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${auth.topicPrefix}audit.logged`, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const event = JSON.parse(message.value?.toString() ?? '{}') as {
          data: { action: string; target: { id: string } };
        };
        if (event.data.target.id === targetId) actions.push(event.data.action);
        return Promise.resolve();
      },
    });
    try {
      return await waitFor(
        () => [...actions],
        (seen) => seen.length >= 2,
        {
          timeoutMs: 30_000,
          description: 'audit entries of the client',
        },
      );
    } finally {
      await consumer.disconnect();
    }
  }

  async function createClient(name: string): Promise<CreatedClient> {
    const answer = await call<CreatedClient>(
      api('/oauth/clients'),
      'POST',
      { name, scopes: ['appointments:write'] },
      asAdmin(),
    );
    expect(answer.status).toBe(201);
    return answer.body;
  }

  it('should issue a scoped client token with client_secret_basic over a form body', async () => {
    const client = await createClient('EHR');
    const answer = await call<{
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
    }>(
      api('/oauth/token'),
      'POST',
      form({ grant_type: 'client_credentials', scope: 'appointments:write' }),
      { ...formHeaders, authorization: basic(client.clientId, client.clientSecret) },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'appointments:write',
    });
    const jwks = await call<JSONWebKeySet>(api('/.well-known/jwks.json'), 'GET');
    const claims = await JwtVerifier.fromJwks(jwks.body, {
      issuer: auth.issuer,
      audience: auth.audience,
    }).verify(answer.body.access_token);
    expect(claims).toMatchObject({
      sub: client.clientId,
      clientId: client.clientId,
      org: admin.orgId,
      roles: [],
      scopes: ['appointments:write'],
    });
  });

  it('should issue a token with client_secret_post in JSON', async () => {
    const client = await createClient('Kiosk');
    const answer = await call(api('/oauth/token'), 'POST', {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(answer.status).toBe(200);
    expect(answer.body['scope']).toBe('appointments:write');
  });

  it.each<[string, () => Promise<[unknown, Record<string, string>]>, number, string]>([
    [
      'a wrong secret',
      async () => {
        const client = await createClient('Wrong');
        return [
          form({ grant_type: 'client_credentials' }),
          { ...formHeaders, authorization: basic(client.clientId, 'nope') },
        ];
      },
      401,
      'invalid_client',
    ],
    [
      'an unknown client',
      () =>
        Promise.resolve([
          { grant_type: 'client_credentials', client_id: 'clt_x', client_secret: 's' },
          {},
        ]),
      401,
      'invalid_client',
    ],
    [
      'a scope the client does not hold',
      async () => {
        const client = await createClient('Greedy');
        return [
          {
            grant_type: 'client_credentials',
            client_id: client.clientId,
            client_secret: client.clientSecret,
            scope: 'admin',
          },
          {},
        ];
      },
      400,
      'invalid_scope',
    ],
    [
      'another grant type',
      () =>
        Promise.resolve([
          form({ grant_type: 'password', username: 'a', password: 'b' }),
          formHeaders,
        ]),
      400,
      'unsupported_grant_type',
    ],
    [
      'a repeated parameter',
      () =>
        Promise.resolve([
          'grant_type=client_credentials&client_id=a&client_id=b&client_secret=s',
          formHeaders,
        ]),
      400,
      'invalid_request',
    ],
  ])('should refuse %s with an RFC 6749 error body', async (_case, request, status, error) => {
    const [body, headers] = await request();
    const answer = await call(api('/oauth/token'), 'POST', body, headers);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, error_description: expect.any(String) as string });
  });

  it('should list active clients with a cursor and refuse a revoked one', async () => {
    const first = await createClient('Listed 1');
    await createClient('Listed 2');
    const page = await call<{ items: { clientId: string }[]; nextCursor: string | null }>(
      api('/oauth/clients?limit=1'),
      'GET',
      undefined,
      asAdmin(),
    );
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect(JSON.stringify(page.body)).not.toContain('secret');

    const revoked = await call(
      api(`/oauth/clients/${first.clientId}`),
      'DELETE',
      undefined,
      asAdmin(),
    );
    expect(revoked.status).toBe(204);
    const again = await call(
      api(`/oauth/clients/${first.clientId}`),
      'DELETE',
      undefined,
      asAdmin(),
    );
    expect(again.status).toBe(404);
    const token = await call(api('/oauth/token'), 'POST', {
      grant_type: 'client_credentials',
      client_id: first.clientId,
      client_secret: first.clientSecret,
    });
    expect(token.status).toBe(401);
    expect(token.body['error']).toBe('invalid_client');
    expect(await auditedActions(first.clientId)).toEqual(
      expect.arrayContaining(['oauth_client.created', 'oauth_client.revoked']),
    );
  });

  it('should let only org admins manage clients, and never another org', async () => {
    const outsider = await call<TokenPair>(api('/signup'), 'POST', {
      email: uniqueEmail('outsider'),
      password: goodPassword,
      name: 'Outsider',
      organizationName: 'Other Clinic',
    });
    const client = await createClient('Private');
    const foreignRevoke = await call(
      api(`/oauth/clients/${client.clientId}`),
      'DELETE',
      undefined,
      {
        authorization: `Bearer ${outsider.body.accessToken}`,
      },
    );
    expect(foreignRevoke.status).toBe(404);
    const invitee = await call<TokenPair>(api('/signup'), 'POST', {
      email: uniqueEmail('invitee'),
      password: goodPassword,
      name: 'Invitee',
    });
    const refused = await call(
      api('/oauth/clients'),
      'POST',
      { name: 'x', scopes: ['appointments:write'] },
      {
        authorization: `Bearer ${invitee.body.accessToken}`,
      },
    );
    expect(refused.status).toBe(403);
    const badScope = await call(
      api('/oauth/clients'),
      'POST',
      { name: 'x', scopes: ['everything'] },
      asAdmin(),
    );
    expect(badScope.status).toBe(400);
  });
});
