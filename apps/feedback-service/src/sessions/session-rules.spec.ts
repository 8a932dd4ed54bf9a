import type { DistributionRuleV1 } from '@careloop/contracts';
import type { LiveSurvey } from './session-rules';
import {
  chooseChannel,
  chooseLanguage,
  chooseRule,
  isSampled,
  ruleMatches,
  samplingPoint,
  suppressionWindow,
} from './session-rules';

const orgId = '6f1c1d4e-8a43-4a49-9d0e-2b1f5c3a7e10';

function rule(overrides: Partial<DistributionRuleV1> = {}): DistributionRuleV1 {
  return {
    ruleId: '00000000-0000-4000-8000-000000000001',
    priority: 10,
    match: {},
    samplingPercent: 100,
    channels: ['email', 'sms'],
    ...overrides,
  };
}

function survey(surveyId: string, rules: DistributionRuleV1[]): LiveSurvey {
  return { surveyId, version: 1, languages: ['en', 'fr'], defaultLanguage: 'en', rules };
}

describe('session rules', () => {
  describe('ruleMatches', () => {
    it('should match anything when the rule lists nothing', () => {
      expect(ruleMatches(rule(), {})).toBe(true);
    });

    it.each([
      [{ appointmentTypes: ['Follow-up'] }, { type: 'follow-up' }, true],
      [{ appointmentTypes: ['follow-up'] }, { type: 'surgery' }, false],
      [{ appointmentTypes: ['follow-up'] }, {}, false],
      [{ departments: ['cardio', 'ortho'] }, { department: 'ortho' }, true],
      [{ sites: ['geneva'], providers: ['dr-a'] }, { site: 'geneva', provider: 'dr-b' }, false],
      [{ sites: ['geneva'], providers: ['dr-a'] }, { site: 'geneva', provider: 'dr-a' }, true],
      [{ sites: [] }, { site: 'anywhere' }, true],
    ])('should decide %j against %j as %s', (match, appointment, expected) => {
      expect(ruleMatches(rule({ match }), appointment)).toBe(expected);
    });
  });

  describe('chooseRule', () => {
    it('should take the matching rule with the lowest priority number across surveys', () => {
      const general = survey('aaaaaaaa-0000-4000-8000-000000000000', [rule({ priority: 50 })]);
      const cardio = survey('bbbbbbbb-0000-4000-8000-000000000000', [
        rule({ priority: 5, match: { departments: ['cardio'] } }),
      ]);
      expect(chooseRule([general, cardio], { department: 'cardio' })?.survey).toBe(cardio);
      expect(chooseRule([general, cardio], { department: 'ortho' })?.survey).toBe(general);
    });

    it('should break priority ties by survey id so storage order never matters', () => {
      const first = survey('aaaaaaaa-0000-4000-8000-000000000000', [rule()]);
      const second = survey('bbbbbbbb-0000-4000-8000-000000000000', [rule()]);
      expect(chooseRule([second, first], {})?.survey).toBe(first);
    });

    it('should find nothing when no rule matches', () => {
      const only = survey('aaaaaaaa-0000-4000-8000-000000000000', [
        rule({ match: { sites: ['x'] } }),
      ]);
      expect(chooseRule([only], { site: 'y' })).toBeUndefined();
      expect(chooseRule([], {})).toBeUndefined();
    });
  });

  describe('sampling', () => {
    it('should decide the same for the same appointment every time', () => {
      const decisions = Array.from({ length: 5 }, () => isSampled(orgId, 'apt-42', 50));
      expect(new Set(decisions).size).toBe(1);
      expect(samplingPoint(orgId, 'apt-42')).toBe(samplingPoint(orgId, 'apt-42'));
    });

    it('should sample about the configured share of appointments', () => {
      const sampled = Array.from({ length: 10_000 }, (_, index) =>
        isSampled(orgId, `apt-${index}`, 30),
      ).filter(Boolean).length;
      expect(sampled).toBeGreaterThan(2_800);
      expect(sampled).toBeLessThan(3_200);
    });

    it('should take all at 100 and none at 0', () => {
      expect(isSampled(orgId, 'apt-1', 100)).toBe(true);
      expect(isSampled(orgId, 'apt-1', 0)).toBe(false);
    });

    it('should decide independently per organization', () => {
      const other = '0b5e8c1a-2f7d-4c3e-9a6b-1d2e3f4a5b6c';
      const differ = Array.from({ length: 100 }, (_, index) => `apt-${index}`).some(
        (id) => isSampled(orgId, id, 50) !== isSampled(other, id, 50),
      );
      expect(differ).toBe(true);
    });
  });

  describe('chooseChannel', () => {
    it('should take the first preferred channel the org enables and the patient has', () => {
      expect(chooseChannel(['sms', 'email'], ['email', 'sms'], { email: 'a@b.ch' })).toBe('email');
      expect(chooseChannel(['sms', 'email'], ['email', 'sms'], { phone: '+41791234567' })).toBe(
        'sms',
      );
      expect(
        chooseChannel(['sms', 'email'], ['email'], { phone: '+41791234567', email: 'a@b.ch' }),
      ).toBe('email');
    });

    it('should find none when the only contact is on a disabled channel', () => {
      expect(chooseChannel(['email', 'sms'], ['email'], { phone: '+41791234567' })).toBeUndefined();
      expect(chooseChannel(['email'], ['email', 'sms'], {})).toBeUndefined();
    });
  });

  describe('chooseLanguage', () => {
    const offered = { languages: ['en', 'fr', 'de-CH'], defaultLanguage: 'en' };

    it.each([
      ['fr', 'de-CH', 'fr'],
      ['fr-CA', 'en', 'fr'],
      ['de', 'en', 'de-CH'],
      ['it', 'fr', 'fr'],
      [undefined, 'fr', 'fr'],
      ['it', 'es', 'en'],
    ])('should choose for patient %s with org default %s: %s', (patient, org, expected) => {
      expect(chooseLanguage(offered, patient, org)).toBe(expected);
    });
  });

  describe('suppressionWindow', () => {
    it('should span the suppression days on both sides of the appointment', () => {
      const window = suppressionWindow(Date.parse('2024-07-10T10:00:00Z'), 30);
      expect(window?.from.toISOString()).toBe('2024-06-10T10:00:00.000Z');
      expect(window?.to.toISOString()).toBe('2024-08-09T10:00:00.000Z');
    });

    it('should be absent when suppression is off', () => {
      expect(suppressionWindow(Date.now(), 0)).toBeUndefined();
    });
  });
});
