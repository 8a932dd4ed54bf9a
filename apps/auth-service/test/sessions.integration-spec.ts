import { JwtVerifier } from '@careloop/security';
import { waitFor } from '@careloop/testing';
import type { AuthTestApp, TokenPair } from './support/auth-test-app';
import { call, goodPassword, startAuthService, uniqueEmail } from './support/auth-test-app';

jest.setTimeout(180_000);

function kidOf(jwt: string): string {
  const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as {
    kid: string;
  };
  return header.kid;
}

describe('auth-service sessions', () => {
  let auth: AuthTestApp;

  const operatorEmail = uniqueEmail('operator');

  beforeAll(async () => {
    auth = await startAuthService({
      AUTH_PLATFORM_ADMIN_EMAILS: operatorEmail,
      AUTH_SIGNING_KEY_ACTIVATION_DELAY_SECONDS: '2',
    });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const api = (path: string) => `${auth.url}/api/auth${path}`;

  async function signup(
    label: string,
    organizationName?: string,
  ): Promise<TokenPair & { email: string }> {
    const email = uniqueEmail(label);
    const answer = await call<TokenPair>(api('/signup'), 'POST', {
      email,
      password: goodPassword,
      name: 'Ada Lovelace',
      ...(organizationName ? { organizationName } : {}),
    });
    expect(answer.status).toBe(201);
    return { ...answer.body, email };
  }

  it('should sign up with an organization and answer an org_admin token that verifies with the JWKS', async () => {
    const pair = await signup('founder', 'Clinique du Parc');
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(pair.orgId).toEqual(expect.any(String));
    const jwks = await call<{ keys: object[] }>(api('/.well-known/jwks.json'), 'GET');
    expect(jwks.headers.get('cache-control')).toContain('max-age');
    const verifier = JwtVerifier.fromJwks(jwks.body, {
      issuer: auth.issuer,
      audience: auth.audience,
    });
    await expect(verifier.verify(pair.accessToken)).resolves.toMatchObject({
      sub: pair.userId,
      org: pair.orgId,
      roles: ['org_admin'],
    });
    const me = await call(api('/me'), 'GET', undefined, {
      authorization: `Bearer ${pair.accessToken}`,
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      userId: pair.userId,
      mfaEnabled: false,
      memberships: [{ orgId: pair.orgId, roles: ['org_admin'] }],
    });
  });

  it('should sign up without an organization: no org claim, no roles, orgId null', async () => {
    const pair = await signup('invitee');
    expect(pair.orgId).toBeNull();
    const me = await call(api('/me'), 'GET', undefined, {
      authorization: `Bearer ${pair.accessToken}`,
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ memberships: [] });
  });

  it('should refuse a second signup with the same email with 409', async () => {
    const first = await signup('twice');
    const again = await call(api('/signup'), 'POST', {
      email: first.email.toUpperCase(),
      password: goodPassword,
      name: 'Someone',
    });
    expect(again.status).toBe(409);
  });

  it.each([
    ['too short', 'short-pw1'],
    ['common', 'password1234'],
    ['common in another case', 'PassWord1234'],
  ])('should refuse a %s password with 400 naming password', async (_case, password) => {
    const answer = await call<{ errors: { field: string; message: string }[] }>(
      api('/signup'),
      'POST',
      {
        email: uniqueEmail('weak'),
        password,
        name: 'Weak',
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('should refuse unknown body fields with 400', async () => {
    const answer = await call(api('/login'), 'POST', {
      email: 'a@b.example',
      password: 'x',
      admin: true,
    });
    expect(answer.status).toBe(400);
  });

  it('should rotate refresh tokens and revoke the family when an old one is reused', async () => {
    const { email } = await signup('rotator', 'Rotation Clinic');
    const login = await call<TokenPair>(api('/login'), 'POST', { email, password: goodPassword });
    expect(login.status).toBe(200);
    const first = login.body;

    const rotated = await call<TokenPair>(api('/refresh'), 'POST', {
      refreshToken: first.refreshToken,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    expect(rotated.body.orgId).toBe(first.orgId);

    const reused = await call(api('/refresh'), 'POST', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    const newest = await call(api('/refresh'), 'POST', { refreshToken: rotated.body.refreshToken });
    expect(newest.status).toBe(401);
  });

  it('should end the session on logout', async () => {
    const pair = await signup('leaver');
    const logout = await call(
      api('/logout'),
      'POST',
      { refreshToken: pair.refreshToken },
      {
        authorization: `Bearer ${pair.accessToken}`,
      },
    );
    expect(logout.status).toBe(204);
    const refresh = await call(api('/refresh'), 'POST', { refreshToken: pair.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('should refuse key rotation to a user who is not a platform admin', async () => {
    const pair = await signup('not-operator', 'Some Org');
    const answer = await call(api('/signing-keys/rotate'), 'POST', undefined, {
      authorization: `Bearer ${pair.accessToken}`,
    });
    expect(answer.status).toBe(403);
  });
  it('should keep tokens signed before a rotation valid and sign new ones with the new key', async () => {
    const operator = await call<TokenPair>(api('/signup'), 'POST', {
      email: operatorEmail,
      password: goodPassword,
      name: 'Operator',
    });
    expect(operator.status).toBe(201);
    const before = await signup('before-rotation', 'Rotation Org');
    const oldKid = kidOf(before.accessToken);

    const rotation = await call<{ kid: string }>(api('/signing-keys/rotate'), 'POST', undefined, {
      authorization: `Bearer ${operator.body.accessToken}`,
    });
    expect(rotation.status).toBe(201);
    expect(rotation.body.kid).not.toBe(oldKid);
    // Published at once, signing only after the activation delay (2 s in this test).
    const jwks = await call<{ keys: { kid: string }[] }>(api('/.well-known/jwks.json'), 'GET');
    expect(jwks.body.keys.map((key) => key.kid)).toEqual(
      expect.arrayContaining([oldKid, rotation.body.kid]),
    );
    const during = await signup('during-rotation', 'Rotation Org 1');
    expect(kidOf(during.accessToken)).toBe(oldKid);

    const after = await waitFor(
      () => signup('after-rotation', 'Rotation Org 2'),
      (pair) => kidOf(pair.accessToken) === rotation.body.kid,
      { timeoutMs: 10_000, intervalMs: 500, description: 'tokens signed by the new key' },
    );

    const verifier = JwtVerifier.fromJwksUrl(api('/.well-known/jwks.json'), {
      issuer: auth.issuer,
      audience: auth.audience,
    });
    await expect(verifier.verify(before.accessToken)).resolves.toMatchObject({
      sub: before.userId,
    });
    await expect(verifier.verify(after.accessToken)).resolves.toMatchObject({ sub: after.userId });
    const refreshed = await call<TokenPair>(api('/refresh'), 'POST', {
      refreshToken: before.refreshToken,
    });
    expect(kidOf(refreshed.body.accessToken)).toBe(rotation.body.kid);
  });
});
