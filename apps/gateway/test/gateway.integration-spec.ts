import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { buildGateway } from '../src/gateway.server';
import { loadKongConfig } from '../src/kong-config.loader';
import { jose } from '@careloop/security';

/**
 * The local edge end to end over real sockets: the gateway built from kong.yml, fake services on loopback
 * (plain node:http, standing in for the NestJS services), real Redis for the rate-limit counters.
 */

type SigningKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const repositoryKongConfig = join(__dirname, '..', '..', '..', 'deploy', 'kong', 'kong.yml');

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

interface FakeUpstream {
  name: string;
  port: number;
  requests: RecordedRequest[];
  /** Extra responses by path, e.g. a JWKS document. */
  documents: Map<string, unknown>;
  close(): Promise<void>;
}

async function startUpstream(name: string): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const documents = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bodyBytes,
      };
      requests.push(recorded);
      const document = documents.get(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          document ?? { upstream: name, method: recorded.method, url: recorded.url, bodyBytes },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    requests,
    documents,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A service that accepts connections and never answers. */
async function startSilentUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback port with nothing listening on it: a service that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function waitUntilReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if ((await fetch(`${baseUrl}/health/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gateway not ready; is Redis running at ${redisUrl}?`);
}

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status });
  expect(typeof body['title']).toBe('string');
  expect(typeof body['detail']).toBe('string');
  expect(body['correlationId']).toBe(response.headers.get('x-correlation-id'));
  return body;
}

/** POST with a chunked body (no Content-Length), which fetch cannot send on demand. */
function postChunked(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    Readable.from(
      (function* () {
        for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
      })(),
    ).pipe(req);
  });
}

describe('gateway (integration)', () => {
  describe('with the repository kong.yml', () => {
    let auth: FakeUpstream;
    let feedback: FakeUpstream;
    let gateway: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      auth = await startUpstream('auth-service');
      feedback = await startUpstream('feedback-service');
      const down = await closedPort();
      gateway = await buildGateway({
        kong: loadKongConfig(repositoryKongConfig),
        redisUrl,
        upstreamHostOverride: `auth-service=127.0.0.1:${auth.port},feedback-service=127.0.0.1:${feedback.port},*=127.0.0.1:${down}`,
        logLevel: 'silent',
        rateLimitKeyPrefix: `test:${randomUUID()}`,
      });
      baseUrl = await listen(gateway);
      await waitUntilReady(baseUrl);
    });

    afterAll(async () => {
      await gateway?.close();
      await auth?.close();
      await feedback?.close();
    });

    it.each([
      ['/api/auth/.well-known/jwks.json', 'auth-service'],
      ['/api/auth/login', 'auth-service'],
      ['/r/eyJ0b2tlbiI6MX0.sig', 'feedback-service'],
      ['/r/eyJ0b2tlbiI6MX0.sig/draft?resume=1', 'feedback-service'],
      ['/api/feedback/sessions?externalAppointmentId=A-17', 'feedback-service'],
    ])('should route %s to %s with the full path', async (path, upstream) => {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ upstream, method: 'GET', url: path });
    });

    it('should leave /r itself and unknown paths unrouted, with a 404 problem', async () => {
      for (const path of ['/r', '/robots.txt', '/api/unknown', '/api/authentication']) {
        const response = await fetch(`${baseUrl}${path}`);
        const body = await expectProblem(response, 404);
        expect(body['detail']).toBe('No route matched with those values');
      }
    });

    it('should generate a correlation id, forward it upstream and echo it', async () => {
      const response = await fetch(`${baseUrl}/r/correlated-token`);
      const correlationId = response.headers.get('x-correlation-id');
      expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
      const seen = feedback.requests.find((r) => r.url === '/r/correlated-token');
      expect(seen?.headers['x-correlation-id']).toBe(correlationId);
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');
    });

    it("should keep the caller's correlation id, and replace one that is not a short token", async () => {
      const kept = await fetch(`${baseUrl}/r/kept`, {
        headers: { 'x-correlation-id': 'clinic-ehr-4711' },
      });
      expect(kept.headers.get('x-correlation-id')).toBe('clinic-ehr-4711');
      expect(feedback.requests.find((r) => r.url === '/r/kept')?.headers['x-correlation-id']).toBe(
        'clinic-ehr-4711',
      );

      const replaced = await fetch(`${baseUrl}/r/replaced`, {
        headers: { 'x-correlation-id': 'a'.repeat(500) },
      });
      expect(replaced.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('should refuse a body over 1 MiB on staff routes with 413, before the service sees it', async () => {
      const before = feedback.requests.length;
      const response = await fetch(`${baseUrl}/api/feedback/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ padding: 'x'.repeat(1_100_000) }),
      });
      await expectProblem(response, 413);
      expect(feedback.requests.length).toBe(before);
    });

    it('should refuse a chunked body once it passes the limit', async () => {
      const response = await postChunked(`${baseUrl}/api/feedback/sessions`, 2 * 1048576);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ status: 413 });
    });

    it('should accept a 5 MB intake batch, within the 10 MiB intake limit', async () => {
      const body = JSON.stringify({ appointments: 'x'.repeat(5_000_000) });
      const response = await fetch(`${baseUrl}/api/intake/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        upstream: 'feedback-service',
        method: 'POST',
        bodyBytes: Buffer.byteLength(body),
      });
    });

    it('should pass tokens through on jwt routes when GATEWAY_JWKS_URL is unset (services verify)', async () => {
      const response = await fetch(`${baseUrl}/api/feedback/sessions`, {
        headers: { authorization: 'Bearer not-checked-here' },
      });
      expect(response.status).toBe(200);
    });

    it('should refuse to verify tokens at the edge while the issuer template is unrendered', async () => {
      await expect(
        buildGateway({
          kong: loadKongConfig(repositoryKongConfig),
          redisUrl,
          jwksUrl: 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json',
          logLevel: 'silent',
        }),
      ).rejects.toThrow(/set DECK_CARELOOP_JWT_ISSUER to auth-service's token issuer/);
    });

    it('should answer 502 problem+json quickly when the service is down', async () => {
      const started = Date.now();
      const response = await fetch(`${baseUrl}/api/analytics/summary`);
      const body = await expectProblem(response, 502);
      expect(body['detail']).toBe('An invalid response was received from the upstream server');
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('should send rate-limit headers from the route instance', async () => {
      const response = await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.headers.get('x-ratelimit-limit-minute')).toBe('20');
      expect(response.headers.get('ratelimit-limit')).toBe('20');
    });

    it('should answer CORS preflights for allowed origins without touching the service', async () => {
      const before = auth.requests.length;
      const response = await fetch(`${baseUrl}/api/auth/logout`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(auth.requests.length).toBe(before);

      const foreign = await fetch(`${baseUrl}/r/x`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('should report liveness, readiness and metrics', async () => {
      expect(await (await fetch(`${baseUrl}/health/live`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        details: { redis: { status: 'up' } },
      });

      const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /gateway_http_requests_total\{route="respondent",prefix="\/r\/",method="GET",status="200"\} \d+/,
      );
      expect(metrics).toMatch(
        /gateway_http_requests_total\{route="unmatched",prefix="none",method="GET",status="404"\} \d+/,
      );
      expect(metrics).toMatch(
        /gateway_upstream_duration_seconds_count\{service="feedback-service",route="respondent",outcome="200"\} \d+/,
      );
      expect(metrics).toMatch(
        /gateway_upstream_duration_seconds_count\{service="analytics-service",route="analytics",outcome="error"\} \d+/,
      );
    });
  });

  describe('with a test kong.yml (small limits, jwt verified at the edge)', () => {
    const issuer = 'https://auth.careloop.test';
    let upstream: FakeUpstream;
    let silent: { port: number; close(): Promise<void> };
    let gateway: FastifyInstance;
    let baseUrl: string;
    let directory: string;
    let kongYml: string;
    let signingKey: SigningKey;
    let strangerKey: SigningKey;
    const rateLimitKeyPrefix = `test:${randomUUID()}`;

    const token = async (
      claims: Record<string, unknown>,
      options: { key?: SigningKey; expiresIn?: string } = {},
    ) =>
      new jose.SignJWT({ sub: 'user-1', org: 'org-1', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? signingKey);

    beforeAll(async () => {
      const keys = await jose.generateKeyPair('RS256', { extractable: true });
      signingKey = keys.privateKey;
      strangerKey = (await jose.generateKeyPair('RS256')).privateKey;
      upstream = await startUpstream('alpha-service');
      silent = await startSilentUpstream();
      upstream.documents.set('/jwks.json', {
        keys: [
          {
            ...(await jose.exportJWK(keys.publicKey)),
            kid: 'test-key-1',
            alg: 'RS256',
            use: 'sig',
          },
        ],
      });

      directory = mkdtempSync(join(tmpdir(), 'careloop-gateway-'));
      kongYml = join(directory, 'kong.yml');
      writeFileSync(
        kongYml,
        `_format_version: "3.0"
_transform: true
plugins:
  - name: correlation-id
    config: { header_name: X-Correlation-ID, generator: uuid, echo_downstream: true }
services:
  - name: alpha-service
    url: http://alpha-service:3001
    connect_timeout: 1000
    read_timeout: 5000
    retries: 0
    routes:
      - name: limited
        paths: [/api/limited]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { minute: 3, limit_by: ip, policy: redis, redis: { host: redis, port: 6379, timeout: 2000 } }
      - name: limited-synced
        paths: [/api/synced]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { minute: 3, limit_by: ip, policy: redis, sync_rate: 60, redis: { host: redis, port: 6379, timeout: 2000 } }
      - name: staff
        paths: [/api/staff]
        strip_path: false
        plugins:
          - name: jwt
            config: { key_claim_name: iss, claims_to_verify: [exp], uri_param_names: [], run_on_preflight: false }
      - name: open
        paths: [/api/open]
        strip_path: false
  - name: slow-service
    url: http://slow-service:3009
    connect_timeout: 1000
    read_timeout: 300
    retries: 0
    routes:
      - name: slow
        paths: [/api/slow]
        strip_path: false
consumers:
  - username: test-auth
    jwt_secrets:
      - key: ${issuer}
        algorithm: RS256
        rsa_public_key: ${JSON.stringify(await jose.exportSPKI(keys.publicKey))}
`,
      );
      gateway = await buildGateway({
        kong: loadKongConfig(kongYml),
        redisUrl,
        upstreamHostOverride: `alpha-service=127.0.0.1:${upstream.port},slow-service=127.0.0.1:${silent.port}`,
        jwksUrl: `http://127.0.0.1:${upstream.port}/jwks.json`,
        logLevel: 'silent',
        rateLimitKeyPrefix,
      });
      baseUrl = await listen(gateway);
      await waitUntilReady(baseUrl);
    });

    afterAll(async () => {
      await gateway?.close();
      await upstream?.close();
      await silent?.close();
      if (directory) rmSync(directory, { recursive: true, force: true });
    });

    /** The three requests a minute of a `minute: 3` route allows, each counted down in the headers. */
    const spendMinuteBudget = async (path: string) => {
      // Stay inside one fixed minute window, so the three allowed requests and the next share a counter.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 55_000)
        await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
      for (let i = 1; i <= 3; i++) {
        const allowed = await fetch(`${baseUrl}${path}`);
        expect(allowed.status).toBe(200);
        expect(allowed.headers.get('x-ratelimit-remaining-minute')).toBe(String(3 - i));
      }
    };

    it('should answer 429 problem+json with Retry-After once the window is spent', async () => {
      await spendMinuteBudget('/api/limited/items');
      const refused = await fetch(`${baseUrl}/api/limited/items`);
      const body = await expectProblem(refused, 429);
      expect(body['detail']).toBe('API rate limit exceeded');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    });

    it('should enforce a sync_rate route from its own count, having asked Redis only for the first request', async () => {
      await spendMinuteBudget('/api/synced/items');
      await expectProblem(await fetch(`${baseUrl}/api/synced/items`), 429);
      // sync_rate is 60 s: until then Redis holds only the first request's increment.
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${rateLimitKeyPrefix}:route:limited-synced:*`);
        expect(keys).toHaveLength(1);
        expect(await redis.get(keys[0]!)).toBe('1');
      } finally {
        redis.disconnect();
      }
    });

    it('should refuse a jwt route without a token with 401 and a Bearer challenge', async () => {
      const response = await fetch(`${baseUrl}/api/staff/members`);
      await expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(upstream.requests.some((r) => r.url === '/api/staff/members')).toBe(false);
    });

    it('should let a valid RS256 token through, verified against the JWKS', async () => {
      const bearer = `Bearer ${await token({ iss: issuer })}`;
      const response = await fetch(`${baseUrl}/api/staff/members`, {
        headers: { authorization: bearer },
      });
      expect(response.status).toBe(200);
      expect(
        upstream.requests.find((r) => r.url === '/api/staff/members')?.headers['authorization'],
      ).toBe(bearer);
    });

    it.each([
      [
        'an expired token',
        async () => token({ iss: issuer }, { expiresIn: '-1m' }),
        'token expired',
      ],
      [
        'a token from an unknown issuer',
        async () => token({ iss: 'https://elsewhere.example' }),
        "No credentials found for given 'iss'",
      ],
      [
        'a token signed with another key',
        async () => token({ iss: issuer }, { key: strangerKey }),
        'Invalid signature',
      ],
      ['a malformed token', () => Promise.resolve('not.a.jwt'), 'Bad token; invalid JSON'],
    ])('should refuse %s with 401', async (_case, makeToken, detail) => {
      const response = await fetch(`${baseUrl}/api/staff/members`, {
        headers: { authorization: `Bearer ${await makeToken()}` },
      });
      const body = await expectProblem(response, 401);
      expect(body['detail']).toBe(detail);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('should not ask for a token on routes without the jwt plugin', async () => {
      expect((await fetch(`${baseUrl}/api/open/ping`)).status).toBe(200);
    });

    it("should answer 504 problem+json when the service does not answer within the service's read_timeout", async () => {
      const started = Date.now();
      const response = await fetch(`${baseUrl}/api/slow/report`);
      const body = await expectProblem(response, 504);
      expect(body['detail']).toBe('The upstream server is timing out');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    describe('when Redis and the JWKS are unreachable', () => {
      let degraded: FastifyInstance;
      let degradedUrl: string;

      beforeAll(async () => {
        degraded = await buildGateway({
          kong: loadKongConfig(kongYml),
          redisUrl: `redis://127.0.0.1:${await closedPort()}`,
          upstreamHostOverride: `alpha-service=127.0.0.1:${upstream.port},slow-service=127.0.0.1:${silent.port}`,
          jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks.json`,
          logLevel: 'silent',
        });
        degradedUrl = await listen(degraded);
      });

      afterAll(async () => {
        await degraded?.close();
      });

      it('should report not ready, but alive', async () => {
        expect((await fetch(`${degradedUrl}/health/live`)).status).toBe(200);
        const ready = await fetch(`${degradedUrl}/health/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({
          status: 'error',
          error: { redis: { status: 'down' } },
        });
      });

      it('should keep serving rate-limited routes (fault_tolerant), without waiting on Redis', async () => {
        const started = Date.now();
        for (let i = 0; i < 5; i++)
          expect((await fetch(`${degradedUrl}/api/limited/items`)).status).toBe(200);
        expect(Date.now() - started).toBeLessThan(1000);
      });

      it('should answer 503 problem+json when tokens cannot be verified', async () => {
        const response = await fetch(`${degradedUrl}/api/staff/members`, {
          headers: { authorization: `Bearer ${await token({ iss: issuer })}` },
        });
        await expectProblem(response, 503);
      });
    });
  });
});
