import { chooseActiveOrganization } from './active-organization';

const a = { orgId: 'a' };
const b = { orgId: 'b' };

describe(chooseActiveOrganization.name, () => {
  it.each([
    ['the requested org when a member', [a, b], 'b', 'a', b],
    ['the last used org when the requested one is not theirs', [a, b], 'z', 'b', b],
    ['the last used org when none is requested', [a, b], undefined, 'b', b],
    ['the first membership when the last org is gone', [a, b], undefined, 'z', a],
    ['nothing without memberships', [], 'a', 'a', undefined],
  ])('should choose %s', (_case, memberships, requested, last, expected) => {
    expect(chooseActiveOrganization(memberships, requested, last)).toBe(expected);
  });
});
