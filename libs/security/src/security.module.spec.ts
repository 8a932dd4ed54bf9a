import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Principal } from './authorization/principal';
import { IntegrationScope, OrgRole } from './authorization/roles';
import type { AuthenticatedCaller } from './authorization/principal';
import {
  CurrentIdentity,
  CurrentPrincipal,
  Public,
  RequireScopes,
  Roles,
  WithoutOrganization,
} from './authorization/security.decorators';
import { AuthenticationRequiredException } from './authorization/security.exceptions';
import { SecurityModule } from './security.module';
import { RequestContext } from './tenancy/request.context';
import { TenantContext } from './tenancy/tenant.context';
import { jose } from './tokens/jose.loader';
import { JwtVerifier } from './tokens/jwt.verifier';

const issuer = 'https://auth.careloop.test';
const audience = 'careloop';

@Controller()
class SpecController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('tenant')
  async tenant(): Promise<{ orgId: string }> {
    await new Promise((resolve) => setTimeout(resolve, 1)); // the context must survive async hops
    return { orgId: TenantContext.requireOrgId() };
  }

  @Roles(OrgRole.OrgAdmin, OrgRole.SurveyEditor)
  @Get('surveys')
  surveys(): { ok: true } {
    return { ok: true };
  }

  @RequireScopes(IntegrationScope.AppointmentsWrite)
  @Get('intake')
  intake(): { ok: true } {
    return { ok: true };
  }

  @Roles(OrgRole.Analyst)
  @RequireScopes('analytics:read')
  @Get('summary')
  summary(): { ok: true } {
    return { ok: true };
  }

  @Get('orgs/:orgId/settings')
  async settings(@Param('orgId') orgId: string): Promise<{ orgId: string; tenant: string }> {
    await Promise.resolve();
    return { orgId, tenant: TenantContext.requireOrgId() };
  }

  @WithoutOrganization()
  @Get('invitations/accept')
  accept(@CurrentIdentity() caller: AuthenticatedCaller): AuthenticatedCaller {
    return caller;
  }

  @Get('origin')
  origin(): { sourceIp?: string; correlationId?: string; userId?: string } {
    const origin = RequestContext.current();
    return {
      ...(origin?.sourceIp ? { sourceIp: origin.sourceIp } : {}),
      ...(origin?.correlationId ? { correlationId: origin.correlationId } : {}),
      ...(origin?.caller?.userId ? { userId: origin.caller.userId } : {}),
    };
  }
}

describe(SecurityModule.name, () => {
  let app: NestFastifyApplication;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    sign = (claims) =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(typeof claims['sub'] === 'string' ? claims['sub'] : 'user-1')
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(privateKey);

    @Module({
      imports: [
        SecurityModule.forRoot({
          verifier: JwtVerifier.fromJwks({ keys: [jwk] }, { issuer, audience }),
        }),
      ],
      controllers: [SpecController],
    })
    class SpecModule {}

    app = await NestFactory.create<NestFastifyApplication>(SpecModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  async function call(
    url: string,
    claims?: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown; challenge: unknown }> {
    const headers = claims ? { authorization: `Bearer ${await sign(claims)}` } : undefined;
    const response = await app.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
    return {
      status: response.statusCode,
      body: response.json(),
      challenge: response.headers['www-authenticate'],
    };
  }

  const staff = (roles: string[], org = 'org-1'): Record<string, unknown> => ({ org, roles });
  const noOrg: Record<string, unknown> = { roles: [] };
  const client = (scope: string): Record<string, unknown> => ({
    org: 'org-1',
    client_id: 'client-1',
    sub: 'client-1',
    scope,
  });

  describe('authentication', () => {
    it('should let anyone reach a @Public() route', async () => {
      expect((await call('/public')).status).toBe(200);
    });

    it('should answer 401 with a problem body and a Bearer challenge without a token', async () => {
      const sut = await call('/me');
      expect(sut.status).toBe(401);
      expect(sut.challenge).toBe('Bearer');
      expect(sut.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
      expect(new AuthenticationRequiredException('why').message).toBe('why');
    });

    it('should answer 401 invalid_token for a bad token', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: 'Bearer not.a.token' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('should give the handler the principal of the token', async () => {
      const sut = await call('/me', { org: 'org-1', roles: ['viewer', 'unknown_role'] });
      expect(sut.body).toEqual({ userId: 'user-1', orgId: 'org-1', roles: ['viewer'], scopes: [] });
    });

    it('should run the handler inside the tenant context of the caller', async () => {
      expect((await call('/tenant', staff(['viewer'], 'org-42'))).body).toEqual({
        orgId: 'org-42',
      });
    });
  });

  describe('authorization', () => {
    it.each<[string, string, Record<string, unknown>, number]>([
      ['an editor on an editor route', '/surveys', staff(['survey_editor']), 200],
      ['a viewer on an editor route', '/surveys', staff(['viewer']), 403],
      ['a platform admin on an editor route', '/surveys', staff(['platform_admin']), 200],
      ['a client with the scope on intake', '/intake', client('appointments:write'), 200],
      ['a client without the scope on intake', '/intake', client('other'), 403],
      ['an org admin on a scope-only route', '/intake', staff(['org_admin']), 403],
      ['an analyst on a roles-or-scopes route', '/summary', staff(['analyst']), 200],
      ['a client on a roles-or-scopes route', '/summary', client('analytics:read'), 200],
      ['a viewer on a roles-or-scopes route', '/summary', staff(['viewer']), 403],
      ['a member on their own org path', '/orgs/org-1/settings', staff(['viewer']), 200],
      ['a member on another org path', '/orgs/org-2/settings', staff(['org_admin']), 403],
      [
        'a platform admin on another org path',
        '/orgs/org-2/settings',
        staff(['platform_admin']),
        200,
      ],
      ['a user without an organization on an org route', '/orgs/org-1/settings', noOrg, 403],
      ['a user without an organization on a plain route', '/me', noOrg, 403],
      ['a user without an organization on a role route', '/surveys', noOrg, 403],
      ['a user without an organization where none is needed', '/invitations/accept', noOrg, 200],
      ['a member where no organization is needed', '/invitations/accept', staff(['viewer']), 200],
    ])('should answer %s with %i', async (_case, url, claims, status) => {
      const sut = await call(url, claims);
      expect(sut.status).toBe(status);
      if (status === 403) expect(sut.body).toMatchObject({ title: 'Forbidden', status: 403 });
    });

    it('should make the addressed organization the tenant of a platform admin without one', async () => {
      const sut = await call('/orgs/org-7/settings', { roles: ['platform_admin'] });
      expect(sut).toMatchObject({ status: 200, body: { orgId: 'org-7', tenant: 'org-7' } });
    });

    it('should give an organization-less caller to @CurrentIdentity()', async () => {
      const sut = await call('/invitations/accept', { ...noOrg, sub: 'invitee-1' });
      expect(sut.body).toEqual({ userId: 'invitee-1', roles: [], scopes: [] });
    });
  });

  describe('request context', () => {
    it('should carry the source address, correlation id and caller to the handler', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/origin',
        remoteAddress: '203.0.113.9',
        headers: { authorization: `Bearer ${await sign(staff(['viewer']))}` },
      });
      expect(response.json()).toEqual({
        sourceIp: '203.0.113.9',
        correlationId: expect.any(String) as string,
        userId: 'user-1',
      });
    });
  });
});
