import { hashRecoveryCode, newRecoveryCode, normaliseRecoveryCode } from './recovery-codes';

describe('recovery codes', () => {
  it('should make distinct codes of the xxxxx-xxxxx form', () => {
    const codes = Array.from({ length: 50 }, () => newRecoveryCode());
    expect(new Set(codes).size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
  });

  it('should hash a code the same however it is typed', () => {
    const code = 'ab3de-fg7hj';
    expect(hashRecoveryCode('id', ' AB3DE FG7HJ ')).toEqual(hashRecoveryCode('id', code));
    expect(normaliseRecoveryCode('AB3DEFG7HJ')).toBe(code);
  });

  it('should hash the same code differently for two identities', () => {
    expect(hashRecoveryCode('a', 'ab3de-fg7hj')).not.toEqual(hashRecoveryCode('b', 'ab3de-fg7hj'));
  });
});
