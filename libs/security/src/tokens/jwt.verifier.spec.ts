import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { JSONWebKeySet, JWK } from 'jose';
import { InvalidAccessTokenError } from './invalid-access-token.error';
import type { InvalidAccessTokenReason } from './invalid-access-token.error';
import { jose } from './jose.loader';
import { JwtVerifier } from './jwt.verifier';

const issuer = 'https://auth.careloop.test';
const audience = 'careloop';

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];
  publicJwk: JWK;
  publicPem: string;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk, publicPem: await jose.exportSPKI(publicKey) };
}

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

const claims = { org: 'org-1', roles: ['org_admin'] };

describe(JwtVerifier.name, () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  let sut: JwtVerifier;

  beforeAll(async () => {
    key = await signingKey('key-2024');
    otherKey = await signingKey('key-rogue');
    const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
    sut = JwtVerifier.fromJwks(jwks, { issuer, audience });
  });

  function token(
    overrides: {
      payload?: Record<string, unknown>;
      kid?: string | null;
      issuer?: string;
      audience?: string;
      expiresAt?: number | string;
      notBefore?: string;
      signWith?: SigningKey;
    } = {},
  ): Promise<string> {
    const builder = new jose.SignJWT({ ...claims, ...overrides.payload })
      .setProtectedHeader(
        overrides.kid === null ? { alg: 'RS256' } : { alg: 'RS256', kid: overrides.kid ?? key.kid },
      )
      .setSubject('user-1')
      .setIssuer(overrides.issuer ?? issuer)
      .setAudience(overrides.audience ?? audience)
      .setIssuedAt()
      .setExpirationTime(overrides.expiresAt ?? '5m');
    if (overrides.notBefore) builder.setNotBefore(overrides.notBefore);
    return builder.sign((overrides.signWith ?? key).privateKey);
  }

  async function reasonFor(jwt: string): Promise<InvalidAccessTokenReason | 'accepted'> {
    try {
      await sut.verify(jwt);
      return 'accepted';
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return error.reason;
      throw error;
    }
  }

  it('should accept a valid RS256 token and read the CareLoop claims', async () => {
    await expect(sut.verify(await token())).resolves.toEqual({
      sub: 'user-1',
      org: 'org-1',
      roles: ['org_admin'],
    });
  });

  it('should accept a token without an org, for a user who belongs to none yet', async () => {
    await expect(sut.verify(await token({ payload: { org: undefined } }))).resolves.toEqual({
      sub: 'user-1',
      roles: ['org_admin'],
    });
  });

  it('should read integration client claims (client_id, space-separated scope)', async () => {
    const jwt = await token({
      payload: { roles: undefined, client_id: 'client-9', scope: 'appointments:write other' },
    });
    await expect(sut.verify(jwt)).resolves.toEqual({
      sub: 'user-1',
      org: 'org-1',
      roles: [],
      clientId: 'client-9',
      scopes: ['appointments:write', 'other'],
    });
  });

  it('should reject alg none', async () => {
    const payload = {
      sub: 'user-1',
      iss: issuer,
      aud: audience,
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    };
    const unsigned = `${base64url({ alg: 'none', kid: key.kid })}.${base64url(payload)}.`;
    expect(await reasonFor(unsigned)).toBe('unsupported_algorithm');
  });

  it('should reject an HS256 token signed with the public key as the HMAC secret', async () => {
    const payload = {
      sub: 'user-1',
      iss: issuer,
      aud: audience,
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    };
    const input = `${base64url({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${base64url(payload)}`;
    const signature = createHmac('sha256', key.publicPem).update(input).digest('base64url');
    expect(await reasonFor(`${input}.${signature}`)).toBe('unsupported_algorithm');
  });

  // Overrides are functions because the keys exist only once beforeAll has run.
  it.each<[string, () => Parameters<typeof token>[0], InvalidAccessTokenReason]>([
    ['expired', () => ({ expiresAt: Math.floor(Date.now() / 1000) - 60 }), 'expired'],
    ['not yet valid', () => ({ notBefore: '10m' }), 'not_yet_valid'],
    ['from another issuer', () => ({ issuer: 'https://evil.test' }), 'invalid_claims'],
    ['for another audience', () => ({ audience: 'someone-else' }), 'invalid_claims'],
    [
      'signed with a key of unknown kid',
      () => ({ kid: otherKey.kid, signWith: otherKey }),
      'unknown_key',
    ],
    ['without a kid', () => ({ kid: null }), 'malformed'],
    ['with an empty org', () => ({ payload: { org: '' } }), 'invalid_claims'],
    ['with roles that are not strings', () => ({ payload: { roles: [1] } }), 'invalid_claims'],
  ])('should reject a token %s', async (_case, overrides, reason) => {
    expect(await reasonFor(await token(overrides()))).toBe(reason);
  });

  it('should reject a token whose signature does not match the named key', async () => {
    const forged = await token({ signWith: otherKey }); // kid of the real key, signed by another
    expect(await reasonFor(forged)).toBe('invalid_signature');
  });

  it('should reject garbage', async () => {
    expect(await reasonFor('not.a.jwt')).toBe('malformed');
  });

  describe('fromJwksUrl', () => {
    let served: JWK[];
    let fetched: number;
    let url: string;
    let close: () => Promise<void>;

    beforeEach(async () => {
      served = [key.publicJwk];
      fetched = 0;
      const server = createServer((_request, response) => {
        fetched += 1;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: served }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
      close = () => new Promise((resolve) => server.close(() => resolve()));
    });

    afterEach(() => close());

    it('should fetch the key set once and serve later tokens from the cache', async () => {
      const remote = JwtVerifier.fromJwksUrl(url, { issuer, audience });
      await expect(remote.verify(await token())).resolves.toMatchObject({ sub: 'user-1' });
      await remote.verify(await token());
      expect(fetched).toBe(1);
    });

    it('should refetch when a token names a new kid (key rotation)', async () => {
      const remote = JwtVerifier.fromJwksUrl(url, { issuer, audience, cooldownMs: 0 });
      await remote.verify(await token());
      served = [key.publicJwk, otherKey.publicJwk];
      await expect(
        remote.verify(await token({ kid: otherKey.kid, signWith: otherKey })),
      ).resolves.toMatchObject({
        org: 'org-1',
      });
      expect(fetched).toBe(2);
    });

    it('should not refetch for unknown kids within the cooldown', async () => {
      const remote = JwtVerifier.fromJwksUrl(url, { issuer, audience, cooldownMs: 60_000 });
      await remote.verify(await token());
      const rogue = await token({ kid: otherKey.kid, signWith: otherKey });
      await expect(remote.verify(rogue)).rejects.toMatchObject({ reason: 'unknown_key' });
      await expect(remote.verify(rogue)).rejects.toMatchObject({ reason: 'unknown_key' });
      expect(fetched).toBe(1);
    });

    it('should report an unreachable key endpoint as keys_unavailable', async () => {
      await close();
      close = () => Promise.resolve();
      const remote = JwtVerifier.fromJwksUrl(url, { issuer, audience });
      await expect(remote.verify(await token())).rejects.toMatchObject({
        reason: 'keys_unavailable',
      });
    });
  });
});
