import { TenantContext, TenantContextMissingError } from './tenant.context';

describe(TenantContext.name, () => {
  it('should expose the principal to async work started inside run', async () => {
    const principal = { orgId: 'org-7', roles: [], scopes: [] };
    const sut = await TenantContext.run(principal, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { current: TenantContext.current(), orgId: TenantContext.requireOrgId() };
    });
    expect(sut).toEqual({ current: principal, orgId: 'org-7' });
  });

  it('should keep concurrent runs apart', async () => {
    const orgIdAfterHop = (orgId: string): Promise<string> =>
      TenantContext.run({ orgId, roles: [], scopes: [] }, async () => {
        await new Promise((resolve) => setTimeout(resolve, orgId === 'a' ? 5 : 1));
        return TenantContext.requireOrgId();
      });
    await expect(Promise.all([orgIdAfterHop('a'), orgIdAfterHop('b')])).resolves.toEqual([
      'a',
      'b',
    ]);
  });

  it('should refuse to name an org outside any run', () => {
    expect(TenantContext.current()).toBeUndefined();
    expect(() => TenantContext.requireOrgId()).toThrow(TenantContextMissingError);
  });
});
