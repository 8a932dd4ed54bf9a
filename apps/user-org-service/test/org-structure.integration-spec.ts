import { newUuid } from '@careloop/testing';
import { UserOrgTestStack } from './support/user-org-test-stack';

jest.setTimeout(90_000);

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

interface Problem {
  errors?: { field: string; message: string }[];
}

describe('sites, departments and providers (user-org-service over HTTP)', () => {
  let stack: UserOrgTestStack;
  let orgId: string;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    stack = await UserOrgTestStack.start();
    const organization = await stack.createOrganization();
    orgId = organization.orgId;
    admin = organization.adminToken;
    viewer = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['viewer'] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('should let an admin create a site and any member read it', async () => {
    const created = await stack.http('POST', `/api/orgs/${orgId}/sites`, {
      token: admin,
      body: { name: 'Paris 15', externalId: 'paris-15', timezone: 'Europe/Paris' },
    });

    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        name: 'Paris 15',
        externalId: 'paris-15',
        timezone: 'Europe/Paris',
      }),
    );
    expect(created.body['siteId']).toEqual(expect.any(String));
    const read = await stack.http(
      'GET',
      `/api/orgs/${orgId}/sites/${String(created.body['siteId'])}`,
      {
        token: viewer,
      },
    );
    expect(read.body).toEqual(created.body);
  });

  it('should refuse writes by a viewer with 403', async () => {
    const result = await stack.http('POST', `/api/orgs/${orgId}/providers`, {
      token: viewer,
      body: { name: 'Dr Who' },
    });

    expect(result.status).toBe(403);
  });

  it('should answer 409 for an externalId another site of the org already has', async () => {
    const body = { name: 'Lyon', externalId: `lyon-${newUuid()}` };
    await stack.http('POST', `/api/orgs/${orgId}/sites`, { token: admin, body });

    const again = await stack.http<Problem>('POST', `/api/orgs/${orgId}/sites`, {
      token: admin,
      body: { ...body, name: 'Lyon again' },
    });

    expect(again.status).toBe(409);
    expect(again.body.errors?.map((error) => error.field)).toEqual(['externalId']);
  });

  it('should allow the same externalId in another organization', async () => {
    const other = await stack.createOrganization('Other clinic');
    const externalId = `shared-${newUuid()}`;

    const first = await stack.http('POST', `/api/orgs/${orgId}/providers`, {
      token: admin,
      body: { name: 'Dr A', externalId },
    });
    const second = await stack.http('POST', `/api/orgs/${other.orgId}/providers`, {
      token: other.adminToken,
      body: { name: 'Dr B', externalId },
    });

    expect([first.status, second.status]).toEqual([201, 201]);
  });

  it('should put a department in a site of the org and refuse an unknown site with 422', async () => {
    const site = await stack.http('POST', `/api/orgs/${orgId}/sites`, {
      token: admin,
      body: { name: 'Bordeaux' },
    });
    const siteId = String(site.body['siteId']);

    const department = await stack.http('POST', `/api/orgs/${orgId}/departments`, {
      token: admin,
      body: { name: 'Cardiology', siteId, externalId: `cardio-${newUuid()}` },
    });
    const orphan = await stack.http<Problem>('POST', `/api/orgs/${orgId}/departments`, {
      token: admin,
      body: { name: 'Nowhere', siteId: newUuid() },
    });
    const listed = await stack.http<Page>(
      'GET',
      `/api/orgs/${orgId}/departments?siteId=${siteId}`,
      { token: viewer },
    );

    expect(department.status).toBe(201);
    expect(department.body['siteId']).toBe(siteId);
    expect(orphan.status).toBe(422);
    expect(orphan.body.errors?.map((error) => error.field)).toEqual(['siteId']);
    expect(listed.body.items.map((item) => item['name'])).toEqual(['Cardiology']);
  });

  it('should refuse to delete a site that still has departments with 409', async () => {
    const site = await stack.http('POST', `/api/orgs/${orgId}/sites`, {
      token: admin,
      body: { name: 'Nantes' },
    });
    const siteId = String(site.body['siteId']);
    const department = await stack.http('POST', `/api/orgs/${orgId}/departments`, {
      token: admin,
      body: { name: 'Radiology', siteId },
    });

    const refused = await stack.http('DELETE', `/api/orgs/${orgId}/sites/${siteId}`, {
      token: admin,
    });
    await stack.http(
      'DELETE',
      `/api/orgs/${orgId}/departments/${String(department.body['departmentId'])}`,
      { token: admin },
    );
    const deleted = await stack.http('DELETE', `/api/orgs/${orgId}/sites/${siteId}`, {
      token: admin,
    });
    const gone = await stack.http('GET', `/api/orgs/${orgId}/sites/${siteId}`, { token: admin });

    expect([refused.status, deleted.status, gone.status]).toEqual([409, 204, 404]);
  });

  it('should change only the fields a PATCH carries and clear one given as null', async () => {
    const created = await stack.http('POST', `/api/orgs/${orgId}/providers`, {
      token: admin,
      body: { name: 'Dr Martin', specialty: 'cardiology', externalId: `pr-${newUuid()}` },
    });
    const providerId = String(created.body['providerId']);

    const patched = await stack.http('PATCH', `/api/orgs/${orgId}/providers/${providerId}`, {
      token: admin,
      body: { specialty: null, name: 'Dr Jeanne Martin' },
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toEqual(
      expect.objectContaining({
        name: 'Dr Jeanne Martin',
        specialty: null,
        externalId: created.body['externalId'],
      }),
    );
  });

  it('should page through a list with limit and cursor, each item once', async () => {
    const other = await stack.createOrganization('Paged clinic');
    for (const name of ['Dr C', 'Dr A', 'Dr E', 'Dr B', 'Dr D']) {
      await stack.http('POST', `/api/orgs/${other.orgId}/providers`, {
        token: other.adminToken,
        body: { name },
      });
    }

    const names: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page: { body: Page } = await stack.http<Page>(
        'GET',
        `/api/orgs/${other.orgId}/providers?${query}`,
        { token: other.adminToken },
      );
      names.push(...page.body.items.map((item) => item['name']));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(names).toEqual(['Dr A', 'Dr B', 'Dr C', 'Dr D', 'Dr E']);
    expect(pages).toBe(3);
  });

  it.each([
    ['an empty name', 'POST', 'sites', { name: '' }, 'name'],
    ['an unknown field', 'POST', 'sites', { name: 'X', color: 'red' }, 'color'],
    ['a time zone that is none', 'POST', 'sites', { name: 'X', timezone: 'Mars/Base' }, 'timezone'],
    ['a site id that is no UUID', 'POST', 'departments', { name: 'X', siteId: '12' }, 'siteId'],
    ['a name that is a number', 'POST', 'providers', { name: 42 }, 'name'],
  ])('should answer 400 naming the field for %s', async (_case, method, path, body, field) => {
    const result = await stack.http<Problem>(method, `/api/orgs/${orgId}/${path}`, {
      token: admin,
      body,
    });

    expect(result.status).toBe(400);
    expect(result.body.errors?.map((error) => error.field)).toContain(field);
  });

  it.each([
    ['a cursor this list did not write', '/providers?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['a limit over the maximum', '/providers?limit=100000', 'limit'],
    ['an id that is no UUID', '/sites/not-a-uuid', 'id'],
  ])('should answer 400 for %s', async (_case, path, field) => {
    const result = await stack.http<Problem>('GET', `/api/orgs/${orgId}${path}`, { token: viewer });

    expect(result.status).toBe(400);
    expect(result.body.errors?.map((error) => error.field)).toContain(field);
  });
});
