import { toE164, unusablePhoneReason } from './contact-normalisation';

describe(toE164.name, () => {
  it.each([
    ['+41 79 123 45 67', undefined, '+41791234567'],
    ['0041 79 123 45 67', undefined, '+41791234567'],
    ['+1 (312) 555-0147', 'FR', '+13125550147'],
    ['(312) 555-0147', 'US', '+13125550147'],
    ['312.555.0147', 'us', '+13125550147'],
    ['079 123 45 67', 'CH', '+41791234567'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
  ])('should read %s (region %s) as %s', (raw, region, expected) => {
    expect(toE164(raw, region)).toBe(expected);
  });

  it.each([
    ['(312) 555-0147', undefined, 'a national number without a region'],
    ['555-767-7476', 'US', 'a number the US plan does not allow'],
    ['12', 'US', 'too short'],
    ['079 123 45 67', 'ZZ', 'an unknown region'],
    ['call me', 'US', 'not a number'],
  ])('should give nothing for %s (region %s): %s', (raw, region, _why) => {
    expect(toE164(raw, region)).toBeUndefined();
  });
});

describe(unusablePhoneReason.name, () => {
  it('should tell an organization without a phone region how to make national numbers usable', () => {
    expect(unusablePhoneReason(undefined)).toContain('phoneRegion');
    expect(unusablePhoneReason('us')).toContain('phoneRegion US');
  });
});
