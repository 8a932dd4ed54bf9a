import type { Principal } from './principal';
import { isAllowed } from './roles.guard';

const principal = (roles: Principal['roles'], scopes: string[] = []): Principal => ({
  userId: 'u',
  orgId: 'o',
  roles,
  scopes,
});

describe(isAllowed.name, () => {
  it.each<[string, Principal, Parameters<typeof isAllowed>[1], boolean]>([
    ['no requirement', principal([]), {}, true],
    ['one of the roles', principal(['analyst']), { roles: ['org_admin', 'analyst'] }, true],
    ['none of the roles', principal(['viewer']), { roles: ['org_admin'] }, false],
    ['platform admin for any role', principal(['platform_admin']), { roles: ['org_admin'] }, true],
    [
      'platform admin for scopes only',
      principal(['platform_admin']),
      { scopes: ['appointments:write'] },
      false,
    ],
    ['all scopes', principal([], ['a', 'b']), { scopes: ['a', 'b'] }, true],
    ['some scopes', principal([], ['a']), { scopes: ['a', 'b'] }, false],
    ['scopes when roles fail', principal([], ['a']), { roles: ['analyst'], scopes: ['a'] }, true],
  ])('should decide %s', (_case, caller, requirements, expected) => {
    expect(isAllowed(caller, requirements)).toBe(expected);
  });
});
