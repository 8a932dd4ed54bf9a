import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jose } from '@careloop/security';

type SigningKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

export interface TestTokenIssuerOptions {
  issuer?: string;
  audience?: string;
  kid?: string;
}

/**
 * Stands in for auth-service in a service's own tests: an RS256 key, its JWKS served on a free
 * local port (give `jwksUrl` to the service as AUTH_JWKS_URL), and access tokens signed with it.
 */
export class TestTokenIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: SigningKey,
    readonly jwksUrl: string,
    readonly issuer: string,
    readonly audience: string,
    readonly kid: string,
  ) {}

  static async start(options: TestTokenIssuerOptions = {}): Promise<TestTokenIssuer> {
    const kid = options.kid ?? 'test-key';
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestTokenIssuer(
      server,
      privateKey,
      `http://127.0.0.1:${port}/jwks.json`,
      options.issuer ?? 'http://careloop.test/api/auth',
      options.audience ?? 'careloop-api',
      kid,
    );
  }

  /** A token for `subject` with these CareLoop claims (org, roles, scope, client_id...), valid 10 minutes. */
  sign(subject: string, claims: Record<string, unknown>): Promise<string> {
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setSubject(subject)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
