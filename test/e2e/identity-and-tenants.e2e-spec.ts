import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { jose } from '@careloop/security';
import { uniqueSuffix, waitFor } from '@careloop/testing';
import type { CareLoopStack } from './support/careloop-stack';
import { stackAudience, stackIssuer, startCareLoopStack } from './support/careloop-stack';
import type { TokenPair } from './support/careloop-client';
import { CareLoopClient } from './support/careloop-client';
import type { OpenApiDocument } from './support/staff-routes';
import { requestBodyOf, staffOperations } from './support/staff-routes';

jest.setTimeout(240_000);

type SigningKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

describe('identity and tenants, through the gateway', () => {
  let stack: CareLoopStack;
  let client: CareLoopClient;

  /** A key of the test's own, published in auth-service's JWKS but never used by it to sign. */
  let testKey: { kid: string; privateKey: SigningKey };

  beforeAll(async () => {
    stack = await startCareLoopStack({
      // Backoff steps short enough to walk through ten failures in a test (the default base is 1 s).
      environment: { 'auth-service': { AUTH_LOGIN_BACKOFF_BASE_MS: '100' } },
    });
    client = new CareLoopClient(stack.gatewayUrl);

    // Before any token is verified, so every verifier's first JWKS fetch already holds it.
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    testKey = { kid: `e2e-${uniqueSuffix()}`, privateKey };
    const publicJwk = {
      ...(await jose.exportJWK(publicKey)),
      kid: testKey.kid,
      alg: 'RS256',
      use: 'sig',
    };
    const auth = new Client({ connectionString: stack.services['auth-service']!.database.url });
    await auth.connect();
    try {
      await auth.query(
        `INSERT INTO signing_key (kid, public_jwk, private_key_sealed, activates_at)
         VALUES ($1, $2, 'not-a-key', now() + interval '10 years')`,
        [testKey.kid, JSON.stringify(publicJwk)],
      );
    } finally {
      await auth.end();
    }
  });

  function signWithTestKey(
    claims: Record<string, unknown>,
    options: { kid?: string; issuer?: string; audience?: string; expiresAt?: number } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? testKey.kid })
      .setIssuer(options.issuer ?? stackIssuer)
      .setAudience(options.audience ?? stackAudience)
      .setIssuedAt(now - 60)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(testKey.privateKey);
  }

  afterAll(async () => {
    await stack?.stop();
  });

  describe('an organization and its invited analyst', () => {
    it('should let an invited analyst read the settings but not change them', async () => {
      const founder = await client.signup({ organizationName: `Clinique ${uniqueSuffix()}` });
      const orgId = founder.orgId!;
      const elapsedMs = await client.waitUntilOrgReadable(orgId, founder.accessToken);
      console.info(`org readable ${elapsedMs} ms after signup answered`);

      const login = await client.login({ email: founder.email, password: founder.password });
      expect(`${login.status} ${login.text}`).toMatch(/^200 /);
      expect(login.body.orgId).toBe(orgId);
      const adminToken = login.body.accessToken;

      const site = await client.request<{ siteId: string; name: string }>(
        'POST',
        `/api/orgs/${orgId}/sites`,
        { token: adminToken, body: { name: 'Main campus', externalId: `SITE-${uniqueSuffix()}` } },
      );
      expect(site.status).toBe(201);

      const analystEmail = `analyst-${uniqueSuffix()}@clinic.example.org`;
      const invitation = await client.request<{ invitationId: string; token: string }>(
        'POST',
        `/api/orgs/${orgId}/invitations`,
        { token: adminToken, body: { email: analystEmail, role: 'analyst' } },
      );
      expect(invitation.status).toBe(201);
      expect(invitation.body.token).toEqual(expect.any(String));

      const analyst = await client.signup({ email: analystEmail });
      expect(analyst.orgId).toBeNull();
      // user-org learns the new identity from an event: until then it asks the caller to retry (409).
      const accepted = await waitFor(
        () =>
          client.request<{ orgId: string; role: string }>(
            'POST',
            `/api/orgs/invitations/${encodeURIComponent(invitation.body.token)}/accept`,
            { token: analyst.accessToken },
          ),
        (response) => response.status !== 409,
        { timeoutMs: 10_000, intervalMs: 50, description: 'user-org to know the invitee' },
      );
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ orgId, role: 'analyst' });

      // The membership reaches auth-service as an event; then the analyst can switch into the org.
      const switched = await waitFor(
        () =>
          client.request<TokenPair>('POST', '/api/auth/switch-org', {
            token: analyst.accessToken,
            body: { orgId },
          }),
        (response) => response.status === 200,
        { timeoutMs: 10_000, intervalMs: 50, description: 'the analyst membership in auth' },
      );
      const analystToken = switched.body.accessToken;

      const settings = await client.request<{ revision: number; settings: { timezone: string } }>(
        'GET',
        `/api/orgs/${orgId}/settings`,
        { token: analystToken },
      );
      expect(settings.status).toBe(200);
      expect(settings.body.settings.timezone).toEqual(expect.any(String));

      const change = await client.request('PUT', `/api/orgs/${orgId}/settings`, {
        token: analystToken,
        body: { ...settings.body.settings, timezone: 'Europe/Paris' },
      });
      expect(change.status).toBe(403);
    });
  });

  describe('tenant isolation', () => {
    /** Everything org A owns that the attack may try to reach, by the names routes give them. */
    const victim: Record<string, string> = {};
    /** Strings that appear only in org A's data: none may reach org B. */
    const markers: string[] = [];
    let attackerToken: string;
    let attackerOrgId: string;

    beforeAll(async () => {
      const orgName = `Victim clinic ${uniqueSuffix()}`;
      const founder = await client.signup({ organizationName: orgName });
      const orgId = founder.orgId!;
      await client.waitUntilOrgReadable(orgId, founder.accessToken);
      const token = founder.accessToken;
      Object.assign(victim, { orgId, identityId: founder.userId, userId: founder.userId });

      const siteName = `Victim site ${uniqueSuffix()}`;
      const site = await client.request<{ siteId: string }>('POST', `/api/orgs/${orgId}/sites`, {
        token,
        body: { name: siteName, externalId: `V-${uniqueSuffix()}` },
      });
      expect(site.status).toBe(201);
      victim['siteId'] = site.body.siteId;
      const department = await client.request<{ departmentId: string }>(
        'POST',
        `/api/orgs/${orgId}/departments`,
        { token, body: { name: `Victim cardiology ${uniqueSuffix()}`, siteId: site.body.siteId } },
      );
      expect(department.status).toBe(201);
      victim['departmentId'] = department.body.departmentId;
      const provider = await client.request<{ providerId: string }>(
        'POST',
        `/api/orgs/${orgId}/providers`,
        { token, body: { name: `Dr Victim ${uniqueSuffix()}` } },
      );
      expect(provider.status).toBe(201);
      victim['providerId'] = provider.body.providerId;

      const inviteeEmail = `victim-invitee-${uniqueSuffix()}@clinic.example.org`;
      const invitation = await client.request<{ invitationId: string; token: string }>(
        'POST',
        `/api/orgs/${orgId}/invitations`,
        { token, body: { email: inviteeEmail, role: 'viewer' } },
      );
      expect(invitation.status).toBe(201);
      victim['invitationId'] = invitation.body.invitationId;
      victim['token'] = invitation.body.token;

      const integration = await client.request<{ clientId: string }>(
        'POST',
        '/api/auth/oauth/clients',
        { token, body: { name: `Victim EHR ${uniqueSuffix()}`, scopes: ['appointments:write'] } },
      );
      expect(integration.status).toBe(201);
      victim['clientId'] = integration.body.clientId;

      const surveyTitle = `Victim survey ${uniqueSuffix()}`;
      const survey = await client.request<{ surveyId: string }>('POST', '/api/surveys', {
        token,
        body: {
          title: surveyTitle,
          defaultLanguage: 'en',
          definition: {
            pages: [
              {
                name: 'p1',
                elements: [
                  { type: 'rating', name: 'nps', rateMin: 0, rateMax: 10, title: 'Recommend us?' },
                ],
              },
            ],
          },
        },
      });
      expect(survey).toMatchObject({ status: 201 });
      victim['surveyId'] = survey.body.surveyId;
      victim['version'] = '1';
      const published = await client.request(
        'POST',
        `/api/surveys/${survey.body.surveyId}/publish`,
        { token },
      );
      expect(published).toMatchObject({ status: 200 });

      markers.push(
        orgId,
        orgName,
        founder.email,
        siteName,
        inviteeEmail,
        integration.body.clientId,
        surveyTitle,
      );

      const attacker = await client.signup({ organizationName: `Attacker ${uniqueSuffix()}` });
      await client.waitUntilOrgReadable(attacker.orgId!, attacker.accessToken);
      attackerToken = attacker.accessToken;
      attackerOrgId = attacker.orgId!;
    });

    it("should answer every staff route of every service about another org's data with 403 or 404, and never with that data", async () => {
      const documents: Record<string, OpenApiDocument> = {};
      for (const service of Object.values(stack.services)) {
        const response = await fetch(`${service.url}/docs/openapi.json`);
        expect(response.status).toBe(200);
        documents[service.name] = (await response.json()) as OpenApiDocument;
      }
      const operations = staffOperations(documents);
      expect(operations.length).toBeGreaterThan(20);

      const findings: string[] = [];
      for (const operation of operations) {
        const path = operation.template.replace(/\{([^}]+)\}/g, (_whole, name: string) =>
          encodeURIComponent(victim[name] ?? victim['orgId']!),
        );
        const body = requestBodyOf(operation, victim);
        const response = await client.request(operation.method, path, {
          token: attackerToken,
          ...(body !== undefined ? { body } : {}),
        });
        const label = `${operation.method} ${path} -> ${response.status}`;
        // Echoing what the caller sent (a problem's `instance`, a field error) reveals nothing new.
        const sent = `${path} ${decodeURIComponent(path)} ${JSON.stringify(body ?? null)}`;
        const leaked = markers.filter(
          (marker) => !sent.includes(marker) && response.text.includes(marker),
        );
        if (leaked.length > 0) findings.push(`${label} leaked ${leaked.join(', ')}`);
        if (response.status >= 500) findings.push(`${label}: ${response.text.slice(0, 200)}`);
        // A body the generated sample gets wrong is refused by validation before any look-up:
        // it reaches no data either, but it proves less, so it is reported.
        const refusedBeforeLookUp =
          body !== undefined && response.status === 400 && response.text.includes('#validation');
        if (refusedBeforeLookUp) console.info(`${label}: refused by validation first`);
        if (
          operation.pathParameters.length > 0 &&
          ![403, 404].includes(response.status) &&
          !refusedBeforeLookUp
        ) {
          findings.push(`${label} for another org's resource: ${response.text.slice(0, 200)}`);
        }
      }
      expect(findings).toEqual([]);
    });

    it("should keep another org's rows out of a query that forgot its org filter, run as the service's own role", async () => {
      let victimRows = 0;
      const unprotected: string[] = [];
      const foreignRowsSeen: string[] = [];
      for (const service of Object.values(stack.services)) {
        const database = new Client({ connectionString: service.database.url });
        await database.connect();
        try {
          const tables = await database.query<{ table: string; rls: boolean; forced: boolean }>(
            `SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind = 'r'
                AND EXISTS (SELECT 1 FROM information_schema.columns col
                             WHERE col.table_schema = 'public' AND col.table_name = c.relname
                               AND col.column_name = 'org_id')`,
          );
          /** Rows visible with the tenant bound to `boundOrgId` (none bound when undefined) whose org differs from it. */
          const foreignRows = async (table: string, boundOrgId: string | undefined) => {
            await database.query('BEGIN');
            try {
              if (boundOrgId)
                await database.query(`SELECT set_config('app.org_id', $1, true)`, [boundOrgId]);
              const result = await database.query<{ foreign: number; total: number }>(
                `SELECT count(*) FILTER (WHERE org_id IS DISTINCT FROM $1::uuid)::int AS foreign,
                        count(*)::int AS total
                   FROM "${table}"`,
                [boundOrgId ?? null],
              );
              return result.rows[0]!;
            } finally {
              await database.query('ROLLBACK');
            }
          };
          for (const { table, rls, forced } of tables.rows) {
            if (!rls || !forced) unprotected.push(`${service.name}.${table}`);
            const unbound = await foreignRows(table, undefined);
            const asAttacker = await foreignRows(table, attackerOrgId);
            const asVictim = await foreignRows(table, victim['orgId']);
            if (unbound.total > 0)
              foreignRowsSeen.push(`${service.name}.${table} without a tenant`);
            if (asAttacker.foreign > 0) foreignRowsSeen.push(`${service.name}.${table} as org B`);
            if (asVictim.foreign > 0) foreignRowsSeen.push(`${service.name}.${table} as org A`);
            victimRows += asVictim.total;
          }
        } finally {
          await database.end();
        }
      }
      expect(foreignRowsSeen).toEqual([]);
      expect(unprotected).toEqual([]);
      expect(victimRows).toBeGreaterThan(5);
    });
  });

  describe('access tokens', () => {
    let orgId: string;
    let userId: string;
    let settingsPath: string;

    beforeAll(async () => {
      const founder = await client.signup({ organizationName: `Token clinic ${uniqueSuffix()}` });
      orgId = founder.orgId!;
      userId = founder.userId;
      settingsPath = `/api/orgs/${orgId}/settings`;
      await client.waitUntilOrgReadable(orgId, founder.accessToken);
    });

    const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = () => ({ sub: userId, org: orgId, roles: ['org_admin'] });

    async function statusEverywhere(token: string): Promise<{ gateway: number; service: number }> {
      const service = new CareLoopClient(stack.services['user-org-service']!.url);
      return {
        gateway: (await client.request('GET', settingsPath, { token })).status,
        service: (await service.request('GET', settingsPath, { token })).status,
      };
    }

    it('should accept a well-formed token signed by a published key (the control for the cases below)', async () => {
      expect(await statusEverywhere(await signWithTestKey(claims()))).toEqual({
        gateway: 200,
        service: 200,
      });
    });

    it.each<[string, () => Promise<string>]>([
      [
        'alg none',
        () => {
          const now = Math.floor(Date.now() / 1000);
          const header = base64url({ alg: 'none', typ: 'JWT', kid: testKey.kid });
          const payload = base64url({
            ...claims(),
            iss: stackIssuer,
            aud: stackAudience,
            exp: now + 300,
          });
          return Promise.resolve(`${header}.${payload}.`);
        },
      ],
      [
        "HS256 signed with auth-service's public key",
        async () => {
          const jwks = await client.request<{
            keys: (Record<string, unknown> & { kid: string })[];
          }>('GET', '/api/auth/.well-known/jwks.json');
          const realKey = jwks.body.keys.find((key) => key.kid !== testKey.kid)!;
          const publicPem = await jose.exportSPKI(
            (await jose.importJWK(realKey, 'RS256', { extractable: true })) as SigningKey,
          );
          const now = Math.floor(Date.now() / 1000);
          const header = base64url({ alg: 'HS256', typ: 'JWT', kid: realKey.kid });
          const payload = base64url({
            ...claims(),
            iss: stackIssuer,
            aud: stackAudience,
            exp: now + 300,
          });
          const signature = createHmac('sha256', publicPem)
            .update(`${header}.${payload}`)
            .digest('base64url');
          return `${header}.${payload}.${signature}`;
        },
      ],
      [
        'expired',
        () => signWithTestKey(claims(), { expiresAt: Math.floor(Date.now() / 1000) - 120 }),
      ],
      ['from another issuer', () => signWithTestKey(claims(), { issuer: 'https://evil.example' })],
      ['for another audience', () => signWithTestKey(claims(), { audience: 'another-api' })],
      ['signed by a key of unknown kid', () => signWithTestKey(claims(), { kid: 'no-such-key' })],
    ])('should refuse a token %s at the gateway and at the service', async (_case, forge) => {
      expect(await statusEverywhere(await forge())).toEqual({ gateway: 401, service: 401 });
    });
  });

  describe('refresh tokens', () => {
    it('should refuse a reused refresh token and revoke its whole family', async () => {
      const user = await client.signup({ organizationName: `Refresh clinic ${uniqueSuffix()}` });
      const first = await client.request<TokenPair>('POST', '/api/auth/refresh', {
        body: { refreshToken: user.refreshToken },
      });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);

      const reuse = await client.request('POST', '/api/auth/refresh', {
        body: { refreshToken: user.refreshToken },
      });
      expect(reuse.status).toBe(401);

      const newest = await client.request('POST', '/api/auth/refresh', {
        body: { refreshToken: first.body.refreshToken },
      });
      expect(newest.status).toBe(401);
    });
  });

  describe('password guessing', () => {
    it('should lock an account after ten wrong passwords, backing off before that', async () => {
      const guesser = client.from('127.0.0.21');
      const victim = await client.signup({ organizationName: `Locked clinic ${uniqueSuffix()}` });
      const answers: { status: number; retryAfter?: string }[] = [];
      let failures = 0;
      while (failures < 10) {
        const response = await guesser.login({
          email: victim.email,
          password: 'wrong password 123',
        });
        const retryAfter = response.headers['retry-after'];
        answers.push({
          status: response.status,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        });
        if (response.status === 401) failures += 1;
        else if (response.status === 429 && typeof retryAfter === 'string') {
          // Backing off is the point: obey it as a well-behaved client would.
          await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1_000));
        } else throw new Error(`unexpected answer ${response.status}: ${response.text}`);
      }
      expect(answers.some((answer) => answer.status === 429)).toBe(true);

      const rightPassword = await guesser.login({ email: victim.email, password: victim.password });
      expect(rightPassword.status).toBe(429);
      expect(Number(rightPassword.headers['retry-after'])).toBeGreaterThanOrEqual(60);
    });

    it('should answer an unknown email exactly as a wrong password, in comparable time', async () => {
      const prober = client.from('127.0.0.22');
      const known = await client.signup({ organizationName: `Probed clinic ${uniqueSuffix()}` });
      const unknown = await prober.login({
        email: `nobody-${uniqueSuffix()}@clinic.example.org`,
        password: 'whatever password 1',
      });
      const wrong = await prober.login({ email: known.email, password: 'whatever password 1' });
      const comparable = (response: typeof unknown) => {
        const { correlationId: _correlationId, ...rest } = response.body as unknown as Record<
          string,
          unknown
        >;
        return { status: response.status, body: rest };
      };
      expect(comparable(unknown)).toEqual(comparable(wrong));
      expect(unknown.status).toBe(401);

      // Timing, straight at auth-service (the gateway's per-address login budget is small):
      // medians of alternating samples, each account below its free failures.
      const direct = new CareLoopClient(stack.services['auth-service']!.url).from('127.0.0.23');
      const timings = { unknown: [] as number[], wrong: [] as number[] };
      for (let round = 0; round < 3; round += 1) {
        for (const kind of ['unknown', 'wrong'] as const) {
          const started = performance.now();
          await direct.login({
            email: kind === 'wrong' ? known.email : `nobody-${uniqueSuffix()}@clinic.example.org`,
            password: `guess ${round} password`,
          });
          timings[kind].push(performance.now() - started);
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
      const ratio = median(timings.unknown) / median(timings.wrong);
      console.info(`login timing: unknown email / wrong password median ratio ${ratio.toFixed(2)}`);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });
  });
});
