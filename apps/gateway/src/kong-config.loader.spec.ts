import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  KongConfigError,
  isProtected,
  loadKongConfig,
  parseKongConfig,
  renderDeckTemplates,
} from './kong-config.loader';
import type { KongConfig, KongRoute } from './kong-config.types';

const repositoryKongConfig = join(__dirname, '..', '..', '..', 'deploy', 'kong', 'kong.yml');

/** The route Kong would pick for a path: the longest matching prefix path. */
function routeFor(config: KongConfig, path: string): KongRoute | undefined {
  let best: { route: KongRoute; length: number } | undefined;
  for (const route of config.routes) {
    for (const prefix of route.paths) {
      const matches = prefix.endsWith('/')
        ? path.startsWith(prefix)
        : path === prefix || path.startsWith(`${prefix}/`);
      if (matches && (!best || prefix.length > best.length))
        best = { route, length: prefix.length };
    }
  }
  return best?.route;
}

function problemsOf(text: string): string[] {
  try {
    parseKongConfig(text, 'fixture.yml');
  } catch (error) {
    if (error instanceof KongConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the fixture to be refused');
}

const minimal = (body: string) => `_format_version: "3.0"\n${body}`;

describe(loadKongConfig.name, () => {
  describe('the repository kong.yml', () => {
    const sut = loadKongConfig(repositoryKongConfig);

    it.each([
      ['/api/auth/login', 'auth-service', 3001],
      ['/api/orgs/2f1c/settings', 'user-org-service', 3002],
      ['/api/surveys', 'survey-service', 3003],
      ['/api/intake/appointments', 'feedback-service', 3004],
      ['/api/feedback/sessions', 'feedback-service', 3004],
      ['/r/eyJhbGciOi.token', 'feedback-service', 3004],
      ['/api/notifications/templates', 'notification-service', 3005],
      ['/api/analytics/summary', 'analytics-service', 3006],
    ])('should route %s to %s on port %d', (path, serviceName, port) => {
      const route = routeFor(sut, path);
      expect(route?.service.name).toBe(serviceName);
      expect(route?.service.host).toBe(serviceName);
      expect(route?.service.port).toBe(port);
    });

    it('should give every route a declared service and keep the full path upstream', () => {
      const serviceNames = sut.services.map((s) => s.name);
      for (const route of sut.routes) {
        expect(serviceNames).toContain(route.service.name);
        expect(route.stripPath).toBe(false);
      }
    });

    it.each([
      ['/api/auth/signup', false],
      ['/api/auth/login', false],
      ['/api/auth/refresh', false],
      ['/api/auth/.well-known/jwks.json', false],
      ['/api/auth/oauth/token', false],
      ['/r/some-token', false],
      ['/r/some-token/submit', false],
      ['/api/notifications/webhooks/sendgrid', false],
      ['/api/auth/logout', true],
      ['/api/auth/mfa/enrol', true],
      ['/api/auth/oauth/clients', true],
      ['/api/orgs/2f1c/invitations', true],
      ['/api/surveys/abc/publish', true],
      ['/api/intake/fhir', true],
      ['/api/feedback/sessions', true],
      ['/api/notifications/deliveries', true],
      ['/api/analytics/summary', true],
    ])('should treat %s as protected=%s', (path, expected) => {
      const route = routeFor(sut, path);
      expect(route).toBeDefined();
      expect(isProtected(route as KongRoute)).toBe(expected);
    });

    it('should keep the access tags in agreement with the jwt plugin', () => {
      for (const route of sut.routes) {
        const declaredPublic = route.tags.includes('access:public');
        const declaredProtected =
          route.tags.includes('access:staff') || route.tags.includes('access:integration');
        expect({ route: route.name, public: declaredPublic, protected: declaredProtected }).toEqual(
          {
            route: route.name,
            public: !isProtected(route),
            protected: isProtected(route),
          },
        );
      }
    });

    it('should verify RS256 tokens from the auth issuer and only from the Authorization header', () => {
      expect(sut.jwtCredentials).toEqual([
        {
          consumer: 'careloop-auth',
          key: '${{ env "DECK_CARELOOP_JWT_ISSUER" | printf "%q" }}',
          algorithm: 'RS256',
          unrenderedVariable: 'DECK_CARELOOP_JWT_ISSUER',
        },
      ]);
      for (const route of sut.routes.filter(isProtected)) {
        expect(route.plugins.jwt?.config).toMatchObject({
          keyClaimName: 'iss',
          claimsToVerify: ['exp'],
          headerNames: ['authorization'],
          uriParamNames: [],
          cookieNames: [],
        });
      }
    });

    it('should allow 10 MiB bodies on intake and 1 MiB elsewhere', () => {
      for (const route of sut.routes) {
        const expected = route.name === 'intake' ? 10 * 1048576 : 1048576;
        expect({
          route: route.name,
          bytes: route.plugins.requestSizeLimiting?.config.allowedBytes,
        }).toEqual({ route: route.name, bytes: expected });
      }
    });

    it('should count every rate limit per client IP in Redis, with login the strictest', () => {
      const perMinute = (route: KongRoute) =>
        route.plugins.rateLimiting?.config.limits.find((l) => l.period === 'minute')?.limit ??
        Infinity;
      for (const route of sut.routes) {
        expect(route.plugins.rateLimiting?.config).toMatchObject({
          policy: 'redis',
          limitBy: 'ip',
          faultTolerant: true,
        });
      }
      const login = sut.routes.find((r) => r.name === 'auth-login') as KongRoute;
      expect(login.plugins.rateLimiting?.scope).toBe('route:auth-login');
      for (const other of sut.routes.filter((r) => r !== login))
        expect(perMinute(login)).toBeLessThan(perMinute(other));
    });

    it('should echo X-Correlation-ID and run no plugin the local gateway ignores', () => {
      expect(sut.globalPlugins.correlationId?.config).toEqual({
        headerName: 'X-Correlation-ID',
        generator: 'uuid',
        echoDownstream: true,
      });
      expect(sut.warnings).toEqual([]);
    });
  });

  describe("decK's env templates", () => {
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const rendered = loadKongConfig(repositoryKongConfig, {
      DECK_CARELOOP_JWT_ISSUER: 'http://127.0.0.1:8080/api/auth',
      DECK_CARELOOP_JWT_PUBLIC_KEY: publicKey,
      CARELOOP_OTHER: 'ignored',
    });

    it('should render the issuer into the jwt credential, as deck file render --populate-env-vars does', () => {
      expect(rendered.jwtCredentials).toEqual([
        {
          consumer: 'careloop-auth',
          key: 'http://127.0.0.1:8080/api/auth',
          algorithm: 'RS256',
          unrenderedVariable: undefined,
        },
      ]);
    });

    it('should render a multi-line PEM into a valid quoted YAML string', () => {
      const text = renderDeckTemplates(readFileSync(repositoryKongConfig, 'utf8'), {
        DECK_CARELOOP_JWT_PUBLIC_KEY: publicKey,
      });
      const consumers = (
        parse(text) as { consumers: Array<{ jwt_secrets: Array<{ rsa_public_key: string }> }> }
      ).consumers;
      expect(consumers[0]?.jwt_secrets[0]?.rsa_public_key).toBe(publicKey);
    });
  });

  describe('a file the gateway must refuse', () => {
    it.each([
      ['unreadable YAML', '_format_version: "3.0"\nservices: [', /^YAML: /],
      [
        'a route pointing at an unknown service',
        minimal('routes:\n  - name: lost\n    service: nowhere\n    paths: [/x]'),
        /routes\[0\]\.service: unknown service 'nowhere'/,
      ],
      [
        'two routes on one path',
        minimal(
          'services:\n  - name: a\n    url: http://a:1\n    routes:\n      - { name: one, paths: [/x] }\n      - { name: two, paths: [/x/] }',
        ),
        /path '\/x\/' is already routed by 'one'/,
      ],
      [
        'a regex path',
        minimal(
          'services:\n  - name: a\n    url: http://a:1\n    routes:\n      - { name: one, paths: ["~/x/\\\\d+$"] }',
        ),
        /regex paths are not supported/,
      ],
      [
        'a path the gateway serves itself',
        minimal(
          'services:\n  - name: a\n    url: http://a:1\n    routes:\n      - { name: one, paths: [/health] }',
        ),
        /served by the gateway itself/,
      ],
      [
        'an unknown plugin',
        minimal('plugins:\n  - name: acl\n    config: { allow: [x] }'),
        /plugin 'acl' is not in the allowlist/,
      ],
      [
        'jwt without any credential',
        minimal(
          'services:\n  - name: a\n    url: http://a:1\n    plugins: [{ name: jwt }]\n    routes: [{ name: one, paths: [/x] }]',
        ),
        /no consumer has jwt_secrets/,
      ],
    ])('should refuse %s', (_case, text, expected) => {
      expect(problemsOf(text).join('\n')).toMatch(expected);
    });

    it('should name the file when it cannot be read', () => {
      expect(() => loadKongConfig('/nonexistent/kong.yml')).toThrow(
        /Invalid Kong configuration \/nonexistent\/kong\.yml:\n {2}- cannot read the file/,
      );
    });
  });

  describe('plugin precedence and defaults', () => {
    const sut = parseKongConfig(
      minimal(`plugins:
  - name: rate-limiting
    config: { minute: 100, policy: local }
  - name: request-size-limiting
services:
  - name: a
    url: http://a.internal:8000/base
    plugins:
      - name: rate-limiting
        config: { minute: 50, policy: local }
    routes:
      - name: own
        paths: [/own]
        plugins:
          - name: rate-limiting
            config: { second: 1, policy: local }
      - name: inherits
        paths: [/inherits]
`),
    );
    const route = (name: string) => sut.routes.find((r) => r.name === name) as KongRoute;

    it('should let a route instance replace its service instance, and that replace the global one', () => {
      expect(route('own').plugins.rateLimiting).toMatchObject({
        scope: 'route:own',
        config: { limits: [{ period: 'second', limit: 1 }] },
      });
      expect(route('inherits').plugins.rateLimiting).toMatchObject({
        scope: 'service:a',
        config: { limits: [{ period: 'minute', limit: 50 }] },
      });
      expect(sut.globalPlugins.rateLimiting?.config.limits).toEqual([
        { period: 'minute', limit: 100 },
      ]);
    });

    it("should apply Kong's defaults", () => {
      expect(route('inherits')).toMatchObject({
        stripPath: true,
        service: {
          host: 'a.internal',
          port: 8000,
          path: '/base',
          retries: 5,
          connectTimeoutMs: 60000,
        },
      });
      expect(route('inherits').plugins.requestSizeLimiting?.config).toEqual({
        allowedBytes: 128 * 1048576,
        requireContentLength: false,
      });
      expect(route('own').plugins.rateLimiting?.config).toMatchObject({
        limitBy: 'consumer',
        faultTolerant: true,
        errorCode: 429,
        errorMessage: 'API rate limit exceeded',
      });
    });
  });
});
