import type { QuestionKind } from '@careloop/contracts';
import type { AlertCondition, AlertRule, EvaluatedResponse, RuleQuestion } from './alert-rule';
import {
  EXCERPT_LENGTH,
  evaluateAlertRule,
  excerptAround,
  redactContacts,
  unmatchableReasons,
} from './alert-rule';

const surveyId = '0b5e7a52-2b8e-4a59-b9b4-6b3c0d3a9f10';

function rule(condition: AlertCondition, overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    ruleId: 'a3d6c2f1-8e0b-4c7e-9c55-0f3b9f0e6d21',
    name: 'Detractor',
    severity: 'high',
    condition,
    ...overrides,
  };
}

const kinds = new Map<string, QuestionKind>([
  ['nps', 'nps'],
  ['csat', 'csat'],
  ['reason', 'single_choice'],
  ['topics', 'multiple_choice'],
  ['comment', 'text'],
  ['visit', 'date'],
]);

function response(answers: Record<string, unknown>, known = kinds): EvaluatedResponse {
  return { surveyId, answers, kinds: known };
}

describe(evaluateAlertRule.name, () => {
  describe('score', () => {
    const detractor = rule({ type: 'score', questionKind: 'nps', operator: 'lte', value: 6 });

    it.each([
      [0, true],
      [3, true],
      [6, true],
      [7, false],
      [10, false],
    ])('should fire for NPS %i <= 6: %s', (score, fires) => {
      const triggers = evaluateAlertRule(detractor, response({ nps: score }));
      expect(triggers).toEqual(fires ? [{ questionId: 'nps', value: score }] : []);
    });

    it('should not fire when the question was not answered', () => {
      expect(evaluateAlertRule(detractor, response({ csat: 1 }))).toEqual([]);
    });

    it('should compare a question named by id whatever its kind in the version', () => {
      const low = rule({ type: 'score', questionId: 'csat', operator: 'lt', value: 3 });
      expect(evaluateAlertRule(low, response({ csat: 2, nps: 1 }))).toEqual([
        { questionId: 'csat', value: 2 },
      ]);
    });

    it('should ignore responses of another survey when the rule is scoped to one', () => {
      const scoped = rule(detractor.condition, {
        surveyId: 'c7e2b8a4-1f3d-4e6a-8b9c-2d5f7a1e3b40',
      });
      expect(evaluateAlertRule(scoped, response({ nps: 0 }))).toEqual([]);
    });
  });

  describe('choice', () => {
    it('should fire when the chosen answer is listed', () => {
      const staff = rule({ type: 'choice', questionId: 'reason', choices: ['staff'] });
      expect(evaluateAlertRule(staff, response({ reason: 'staff' }))).toEqual([
        { questionId: 'reason', value: 'staff' },
      ]);
      expect(evaluateAlertRule(staff, response({ reason: 'wait' }))).toEqual([]);
    });

    it('should report the listed choices among several picked', () => {
      const topics = rule({ type: 'choice', questionId: 'topics', choices: ['pain', 'billing'] });
      expect(evaluateAlertRule(topics, response({ topics: ['parking', 'pain'] }))).toEqual([
        { questionId: 'topics', value: ['pain'] },
      ]);
    });

    it('should treat numeric choice values and their text as the same choice', () => {
      const numeric = rule({ type: 'choice', questionId: 'reason', choices: ['2'] });
      expect(evaluateAlertRule(numeric, response({ reason: 2 }))).toHaveLength(1);
    });
  });

  describe('keyword', () => {
    const rude = rule({ type: 'keyword', keywords: ['rude', 'désagréable'] });

    it('should fire on a whole word, ignoring case and accents', () => {
      const triggers = evaluateAlertRule(rude, response({ comment: 'The nurse was RUDE to me.' }));
      expect(triggers).toEqual([{ questionId: 'comment', value: 'The nurse was RUDE to me.' }]);
      expect(
        evaluateAlertRule(rude, response({ comment: 'Accueil desagreable' })).map(
          (trigger) => trigger.questionId,
        ),
      ).toEqual(['comment']);
    });

    it('should not fire on a word that merely contains the keyword', () => {
      expect(evaluateAlertRule(rude, response({ comment: 'Prudent and kind staff' }))).toEqual([]);
    });

    it('should look at "other" comments and ignore non-text answers', () => {
      const triggers = evaluateAlertRule(
        rude,
        response({ reason: 'other', 'reason-Comment': 'rude receptionist', visit: 'rude' }),
      );
      expect(triggers.map((trigger) => trigger.questionId)).toEqual(['reason-Comment']);
    });

    it('should treat every string answer as text when the version is unknown', () => {
      const triggers = evaluateAlertRule(rude, response({ anything: 'so rude' }, new Map()));
      expect(triggers).toEqual([{ questionId: 'anything', value: 'so rude' }]);
    });

    it('should carry an excerpt without the contact data the patient typed', () => {
      const comment = `Call me at +41 79 123 45 67 or mail zoe.muller@example.org, the doctor was rude. ${'x'.repeat(400)}`;
      const [trigger] = evaluateAlertRule(rude, response({ comment }));
      const excerpt = String(trigger?.value);
      expect(excerpt).toContain('rude');
      expect(excerpt).not.toContain('example.org');
      expect(excerpt).not.toContain('123 45');
      expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH + 2);
    });
  });
});

describe(redactContacts.name, () => {
  it.each([
    ['write to jeanne.martin@example.org please', 'write to [email] please'],
    ['my number is 0612345678', 'my number is [phone]'],
    ['+33 6 12 34 56 78 anytime', '[phone] anytime'],
    ['waited 45 minutes', 'waited 45 minutes'],
  ])('should redact %j', (text, expected) => {
    expect(redactContacts(text)).toBe(expected);
  });
});

describe(excerptAround.name, () => {
  it('should keep short texts whole and cut long ones around the hit with ellipses', () => {
    expect(excerptAround('  short\n text ', 0)).toBe('short text');
    const long = `${'a '.repeat(200)}HIT${' b'.repeat(200)}`;
    const excerpt = excerptAround(long, long.indexOf('HIT'));
    expect(excerpt).toContain('HIT');
    expect(excerpt.startsWith('…')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
  });
});

describe(unmatchableReasons.name, () => {
  it('should accept rules that can fire', () => {
    expect(
      unmatchableReasons({ type: 'score', questionKind: 'nps', operator: 'lte', value: 6 }),
    ).toEqual([]);
    expect(unmatchableReasons({ type: 'keyword', keywords: ['rude'] })).toEqual([]);
  });

  it.each<[string, AlertCondition, string]>([
    [
      'an unknown question kind',
      { type: 'score', questionKind: 'happiness', operator: 'lte', value: 3 },
      'condition.questionKind',
    ],
    [
      'an unscored question kind',
      { type: 'score', questionKind: 'text', operator: 'lte', value: 3 },
      'condition.questionKind',
    ],
    [
      'an NPS below 0',
      { type: 'score', questionKind: 'nps', operator: 'lt', value: 0 },
      'condition.value',
    ],
    [
      'a CSAT above 5',
      { type: 'score', questionKind: 'csat', operator: 'gt', value: 5 },
      'condition.value',
    ],
    ['blank keywords', { type: 'keyword', keywords: ['  '] }, 'condition.keywords'],
  ])('should refuse %s', (_label, condition, field) => {
    expect(unmatchableReasons(condition).map((problem) => problem.field)).toEqual([field]);
  });

  describe('against the survey a rule is scoped to', () => {
    const questions = new Map<string, RuleQuestion>([
      ['nps', { kind: 'nps', scaleMin: 0, scaleMax: 10 }],
      ['stars', { kind: 'rating', scaleMin: 1, scaleMax: 3 }],
      ['reason', { kind: 'single_choice', choices: ['wait', 'staff'] }],
      ['comment', { kind: 'text' }],
    ]);

    it.each<[string, AlertCondition, string]>([
      [
        'a question it does not have',
        { type: 'score', questionId: 'missing', operator: 'lte', value: 3 },
        'condition.questionId',
      ],
      [
        'a score on a text question',
        { type: 'score', questionId: 'comment', operator: 'lte', value: 3 },
        'condition.questionId',
      ],
      [
        'a threshold beyond its own scale',
        { type: 'score', questionId: 'stars', operator: 'gte', value: 4 },
        'condition.value',
      ],
      [
        'a choice it does not offer',
        { type: 'choice', questionId: 'reason', choices: ['price'] },
        'condition.choices',
      ],
      [
        'a choice rule on a text question',
        { type: 'choice', questionId: 'comment', choices: ['x'] },
        'condition.questionId',
      ],
      [
        'keywords on a choice question',
        { type: 'keyword', questionId: 'reason', keywords: ['x'] },
        'condition.questionId',
      ],
    ])('should refuse %s', (_label, condition, field) => {
      expect(unmatchableReasons(condition, questions).map((problem) => problem.field)).toEqual([
        field,
      ]);
    });

    it('should accept a rule that fits the question', () => {
      expect(
        unmatchableReasons(
          { type: 'choice', questionId: 'reason', choices: ['staff', 'x'] },
          questions,
        ),
      ).toEqual([]);
    });
  });
});
