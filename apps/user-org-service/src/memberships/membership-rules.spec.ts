import { wouldLeaveNoAdmin } from './membership-rules';

describe(wouldLeaveNoAdmin.name, () => {
  it.each([
    ['demoting the only admin', 'org_admin', 'analyst', 1, true],
    ['removing the only admin', 'org_admin', undefined, 1, true],
    ['demoting one of two admins', 'org_admin', 'viewer', 2, false],
    ['removing one of two admins', 'org_admin', undefined, 2, false],
    ['keeping the only admin an admin', 'org_admin', 'org_admin', 1, false],
    ['removing an analyst while one admin remains', 'analyst', undefined, 1, false],
    ['promoting a viewer', 'viewer', 'org_admin', 1, false],
  ] as const)('should answer %s with %s', (_case, role, newRole, admins, expected) => {
    expect(wouldLeaveNoAdmin({ role }, newRole, admins)).toBe(expected);
  });
});
