import { randomUUID } from 'node:crypto';
import { JwtVerifier } from '@careloop/security';
import { waitFor } from '@careloop/testing';
import { otplib } from '../src/mfa/otplib.loader';
import type { AuthTestApp, TokenPair } from './support/auth-test-app';
import {
  call,
  goodPassword,
  orgSettings,
  publishEvents,
  startAuthService,
  uniqueEmail,
} from './support/auth-test-app';

jest.setTimeout(180_000);

describe('auth-service second factor and memberships', () => {
  let auth: AuthTestApp;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    auth = await startAuthService();
    verifier = JwtVerifier.fromJwksUrl(`${auth.url}/api/auth/.well-known/jwks.json`, {
      issuer: auth.issuer,
      audience: auth.audience,
    });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const api = (path: string) => `${auth.url}/api/auth${path}`;
  const bearer = (pair: TokenPair) => ({ authorization: `Bearer ${pair.accessToken}` });

  async function signup(
    label: string,
    organizationName?: string,
  ): Promise<TokenPair & { email: string }> {
    const email = uniqueEmail(label);
    const answer = await call<TokenPair>(api('/signup'), 'POST', {
      email,
      password: goodPassword,
      name: 'Grace Hopper',
      ...(organizationName ? { organizationName } : {}),
    });
    expect(answer.status).toBe(201);
    return { ...answer.body, email };
  }

  /** A code of a time step not used yet: the service accepts each step once. */
  async function codeAfter(secret: string, usedCode?: string): Promise<string> {
    return waitFor(
      () => otplib.generate({ secret }),
      (code) => code !== usedCode,
      { timeoutMs: 35_000, intervalMs: 500, description: 'the next TOTP time step' },
    );
  }

  it('should enrol TOTP, require it at login, and accept each recovery code once', async () => {
    const user = await signup('mfa', 'MFA Clinic');
    const enrolment = await call<{ secret: string; otpauthUri: string }>(
      api('/mfa/totp/enrol'),
      'POST',
      undefined,
      bearer(user),
    );
    expect(enrolment.status).toBe(200);
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const { secret } = enrolment.body;

    const wrongActivation = await call(
      api('/mfa/totp/activate'),
      'POST',
      { code: '000000' },
      bearer(user),
    );
    expect(wrongActivation.status).toBe(422);
    const activationCode = await otplib.generate({ secret });
    const activation = await call<{ recoveryCodes: string[] }>(
      api('/mfa/totp/activate'),
      'POST',
      { code: activationCode },
      bearer(user),
    );
    expect(activation.status).toBe(200);
    expect(activation.body.recoveryCodes).toHaveLength(10);

    const withoutCode = await call(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
    });
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body['type']).toMatch(/\/mfa-required$/);

    const wrongPasswordWithoutCode = await call(api('/login'), 'POST', {
      email: user.email,
      password: 'not-the-password-at-all',
    });
    expect(wrongPasswordWithoutCode.body['type']).toMatch(/invalid-credentials$/);

    const code = await codeAfter(secret, activationCode);
    const withCode = await call<TokenPair>(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
      totp: code,
    });
    expect(withCode.status).toBe(200);
    const replay = await call(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
      totp: code,
    });
    expect(replay.status).toBe(401);

    const recoveryCode = activation.body.recoveryCodes[0] ?? '';
    const recovered = await call(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
      recoveryCode: recoveryCode.toUpperCase(),
    });
    expect(recovered.status).toBe(200);
    const spent = await call(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
      recoveryCode,
    });
    expect(spent.status).toBe(401);
    expect(spent.body['type']).toMatch(/mfa-invalid$/);

    const me = await call(api('/me'), 'GET', undefined, bearer(withCode.body));
    expect(me.body).toMatchObject({ mfaEnabled: true });
  });

  it('should refuse a login without a second factor once the org requires MFA', async () => {
    const founder = await signup('enforced', 'Strict Clinic');
    const orgId = founder.orgId ?? '';
    await publishEvents(auth.topicPrefix, 'org.settings.updated', [
      {
        orgId,
        revision: 2,
        settings: orgSettings(true),
        updatedBy: founder.userId,
        updatedAt: new Date().toISOString(),
      },
    ]);
    // An older revision arriving late must not switch it off again.
    await publishEvents(auth.topicPrefix, 'org.created', [
      {
        orgId,
        name: 'Strict Clinic',
        settings: orgSettings(false),
        createdBy: founder.userId,
        createdAt: new Date().toISOString(),
      },
    ]);
    const refused = await waitFor(
      () => call(api('/login'), 'POST', { email: founder.email, password: goodPassword }),
      (answer) => answer.status === 401,
      {
        timeoutMs: 30_000,
        intervalMs: 300,
        description: 'login refused for want of a second factor',
      },
    );
    expect(refused.body['type']).toMatch(/\/mfa-required$/);
    // The session started before the policy cannot be refreshed on a password alone either.
    const refresh = await call(api('/refresh'), 'POST', { refreshToken: founder.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('should switch between two organizations with the roles of each membership', async () => {
    const user = await signup('multi', 'First Clinic');
    const firstOrg = user.orgId ?? '';
    const secondOrg = randomUUID();
    const strangerOrg = randomUUID();
    await publishEvents(auth.topicPrefix, 'org.membership.granted', [
      {
        membershipId: randomUUID(),
        orgId: secondOrg,
        identityId: user.userId,
        role: 'analyst',
        revision: 1,
        grantedBy: randomUUID(),
        grantedAt: new Date().toISOString(),
      },
    ]);
    await waitFor(
      () => call<{ memberships: { orgId: string }[] }>(api('/me'), 'GET', undefined, bearer(user)),
      (answer) => answer.body.memberships?.length === 2,
      {
        timeoutMs: 30_000,
        intervalMs: 300,
        description: 'the second membership in the projection',
      },
    );

    const switched = await call<TokenPair>(
      api('/switch-org'),
      'POST',
      { orgId: secondOrg },
      bearer(user),
    );
    expect(switched.status).toBe(200);
    expect(switched.body.orgId).toBe(secondOrg);
    await expect(verifier.verify(switched.body.accessToken)).resolves.toMatchObject({
      org: secondOrg,
      roles: ['analyst'],
    });

    const back = await call<TokenPair>(
      api('/switch-org'),
      'POST',
      { orgId: firstOrg },
      bearer(switched.body),
    );
    await expect(verifier.verify(back.body.accessToken)).resolves.toMatchObject({
      org: firstOrg,
      roles: ['org_admin'],
    });

    const stranger = await call(api('/switch-org'), 'POST', { orgId: strangerOrg }, bearer(user));
    expect(stranger.status).toBe(403);

    // Login opens the organization asked for, and otherwise the one used last.
    const loginFirst = await call<TokenPair>(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
      orgId: secondOrg,
    });
    expect(loginFirst.body.orgId).toBe(secondOrg);
    const loginAgain = await call<TokenPair>(api('/login'), 'POST', {
      email: user.email,
      password: goodPassword,
    });
    expect(loginAgain.body.orgId).toBe(secondOrg);
  });

  it('should let an invitee without an organization act once a membership is granted', async () => {
    const invitee = await signup('invitee');
    expect(invitee.orgId).toBeNull();
    const orgId = randomUUID();
    const membershipId = randomUUID();
    await publishEvents(auth.topicPrefix, 'org.membership.granted', [
      {
        membershipId,
        orgId,
        identityId: invitee.userId,
        role: 'viewer',
        revision: 1,
        grantedAt: new Date().toISOString(),
      },
    ]);
    const switched = await waitFor(
      () => call<TokenPair>(api('/switch-org'), 'POST', { orgId }, bearer(invitee)),
      (answer) => answer.status === 200,
      { timeoutMs: 30_000, intervalMs: 300, description: 'switching into the granted org' },
    );
    await expect(verifier.verify(switched.body.accessToken)).resolves.toMatchObject({
      org: orgId,
      roles: ['viewer'],
    });

    await publishEvents(auth.topicPrefix, 'org.membership.revoked', [
      {
        membershipId,
        orgId,
        identityId: invitee.userId,
        revision: 2,
        revokedAt: new Date().toISOString(),
      },
    ]);
    await waitFor(
      () => call(api('/switch-org'), 'POST', { orgId }, bearer(invitee)),
      (answer) => answer.status === 403,
      {
        timeoutMs: 30_000,
        intervalMs: 300,
        description: 'the revoked membership to stop switching',
      },
    );
  });
});
