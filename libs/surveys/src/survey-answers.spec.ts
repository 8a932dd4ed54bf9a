import { visitSurvey } from './spec-fixtures';
import type { Answers } from './survey-answers';
import { validateAnswers, visibleQuestions } from './survey-answers';

/** Answers a happy patient gives: no detractor question, no skip, every required one answered. */
function happyAnswers(overrides: Answers = {}): Answers {
  return { nps: 9, csat: 4, rooms: { waiting: 3, exam: 2 }, ...overrides };
}

function errorsOf(answers: unknown, language = 'en'): string[] {
  const result = validateAnswers(visitSurvey(), answers, language);
  return result.ok ? [] : result.errors.map((error) => `${error.questionId}: ${error.message}`);
}

function shownIds(answers: Answers, language = 'en'): string[] {
  return visibleQuestions(visitSurvey(), answers, language).map((question) => question.questionId);
}

describe(validateAnswers.name, () => {
  it('should accept a complete, valid submission', () => {
    expect(validateAnswers(visitSurvey(), happyAnswers(), 'en')).toEqual({ ok: true });
  });

  it('should refuse answers that are not an object', () => {
    expect(errorsOf(['nps', 9])).toEqual([': answers must be an object keyed by question id']);
  });

  it('should name every missing required answer', () => {
    expect(errorsOf({})).toEqual(['nps: is required', 'csat: is required', 'rooms: is required']);
  });

  it('should refuse an answer to an unknown question', () => {
    expect(errorsOf(happyAnswers({ ghost: 1 }))).toEqual([
      'ghost: is not a question of this survey',
    ]);
  });

  describe('ratings', () => {
    it.each([
      [{ nps: 11 }, 'nps: 11 is outside the scale 0 to 10'],
      [{ nps: -1, reason: 'wait' }, 'nps: -1 is outside the scale 0 to 10'],
      [{ csat: 0 }, 'csat: 0 is outside the scale 1 to 5'],
      [{ stars: 6 }, 'stars: 6 is outside the scale 1 to 5'],
      [{ nps: 7.5 }, 'nps: must be a whole number from 0 to 10'],
      [{ csat: '4' }, 'csat: must be a whole number from 1 to 5'],
    ])('should refuse %j', (answer, message) => {
      expect(errorsOf(happyAnswers(answer))).toEqual([message]);
    });

    it('should accept both ends of the NPS scale', () => {
      expect(errorsOf(happyAnswers({ nps: 10 }))).toEqual([]);
      expect(errorsOf(happyAnswers({ nps: 0, reason: 'wait' }))).toEqual([]);
    });
  });

  describe('single choice with other', () => {
    const detractor = (overrides: Answers): Answers => happyAnswers({ nps: 3, ...overrides });

    it('should require the detractor question once it is shown', () => {
      expect(errorsOf(detractor({}))).toEqual(['reason: is required']);
    });

    it('should accept a known choice', () => {
      expect(errorsOf(detractor({ reason: 'staff' }))).toEqual([]);
    });

    it('should refuse an unknown choice', () => {
      expect(errorsOf(detractor({ reason: 'price' }))).toEqual([
        'reason: "price" is not one of the choices',
      ]);
    });

    it('should accept other with its text', () => {
      expect(errorsOf(detractor({ reason: 'other', 'reason-Comment': 'noise' }))).toEqual([]);
    });

    it('should require the text of other', () => {
      expect(errorsOf(detractor({ reason: 'other' }))).toEqual([
        'reason: "other" is chosen, so its text is required',
      ]);
    });

    it('should refuse an other text without other chosen', () => {
      expect(errorsOf(detractor({ reason: 'wait', 'reason-Comment': 'noise' }))).toEqual([
        'reason: has an "other" text but "other" is not chosen',
      ]);
    });

    it('should refuse an other text on a question without an other item', () => {
      expect(errorsOf(happyAnswers({ 'csat-Comment': 'x' }))).toEqual([
        'csat: has no "other" item to describe',
      ]);
    });
  });

  describe('multiple choice', () => {
    it('should accept known choices and other with its text', () => {
      expect(
        errorsOf(happyAnswers({ liked: ['parking', 'other'], 'liked-Comment': 'garden' })),
      ).toEqual([]);
    });

    it.each([
      [{ liked: 'parking' }, 'liked: must be a list of choice values'],
      [{ liked: ['parking', 'spa'] }, 'liked: "spa" is not one of the choices'],
      [{ liked: ['parking', 'parking'] }, 'liked: lists a choice twice'],
      [{ liked: ['parking', 'coffee', 'music'] }, 'liked: select at most 2'],
    ])('should refuse %j', (answer, message) => {
      expect(errorsOf(happyAnswers(answer))).toEqual([message]);
    });
  });

  describe('yes/no, text and date', () => {
    it.each([
      [{ returning: 'yes' }, 'returning: must be true or false'],
      [{ comment: 42 }, 'comment: must be text'],
      [{ comment: 'x'.repeat(21) }, 'comment: must be at most 20 characters'],
      [{ nextVisit: '2024-13-01' }, 'nextVisit: must be a date (YYYY-MM-DD)'],
      [{ nextVisit: '01/02/2025' }, 'nextVisit: must be a date (YYYY-MM-DD)'],
      [{ nextVisit: '2023-12-31' }, 'nextVisit: must not be before 2024-01-01'],
      [{ nextVisit: '2031-01-01' }, 'nextVisit: must not be after 2030-12-31'],
    ])('should refuse %j', (answer, message) => {
      expect(errorsOf(happyAnswers(answer))).toEqual([message]);
    });

    it('should accept valid values', () => {
      expect(
        errorsOf(
          happyAnswers({ returning: true, comment: 'Great', nextVisit: '2025-02-28', last: 'bye' }),
        ),
      ).toEqual([]);
    });
  });

  describe('matrix', () => {
    it.each([
      [{ rooms: { waiting: 3 } }, 'rooms: row "exam" needs an answer'],
      [{ rooms: { waiting: 3, exam: 4 } }, 'rooms: row "exam": 4 is not one of the columns'],
      [{ rooms: { waiting: 3, exam: 1, lobby: 1 } }, 'rooms: "lobby" is not one of the rows'],
      [{ rooms: [3, 1] }, 'rooms: must be an object mapping each row to a column value'],
    ])('should refuse %j', (answer, message) => {
      expect(errorsOf(happyAnswers(answer))).toEqual([message]);
    });
  });

  describe('logic', () => {
    it('should refuse an answer to a question its visibleIf hides', () => {
      expect(errorsOf(happyAnswers({ nps: 9, reason: 'wait' }))).toEqual([
        'reason: is not shown for these answers, so it cannot be answered',
      ]);
    });

    it('should refuse answers to questions a skip jumps over', () => {
      expect(
        errorsOf(happyAnswers({ csat: 5, stars: 4, liked: ['coffee'], returning: true })),
      ).toEqual([
        'stars: is not shown for these answers, so it cannot be answered',
        'liked: is not shown for these answers, so it cannot be answered',
        'returning: is not shown for these answers, so it cannot be answered',
      ]);
    });

    it('should refuse answers after the survey ended, and not require them', () => {
      expect(errorsOf({ nps: 9, csat: 4, returning: false, comment: 'late' })).toEqual([
        'comment: is not shown for these answers, so it cannot be answered',
      ]);
      expect(errorsOf({ nps: 9, csat: 4, returning: false })).toEqual([]);
    });

    it('should evaluate conditions on the respondent language', () => {
      expect(errorsOf({ nps: 9, csat: 4 }, 'de')).toEqual([]);
      expect(errorsOf({ nps: 9, csat: 4, rooms: { waiting: 1, exam: 1 } }, 'de')).toEqual([
        'rooms: is not shown for these answers, so it cannot be answered',
      ]);
    });

    it('should tolerate empty values left by the form for hidden questions', () => {
      expect(errorsOf(happyAnswers({ reason: null, 'reason-Comment': '' }))).toEqual([]);
    });
  });
});

describe(visibleQuestions.name, () => {
  it('should show every question of a fresh survey except the conditional ones', () => {
    expect(shownIds({})).toEqual([
      'nps',
      'csat',
      'stars',
      'liked',
      'returning',
      'comment',
      'nextVisit',
      'rooms',
      'last',
    ]);
  });

  it('should show the detractor question after a low score', () => {
    expect(shownIds({ nps: 2 })).toContain('reason');
  });

  it('should hide the questions a skip jumps over', () => {
    expect(shownIds({ nps: 9, csat: 5 })).toEqual([
      'nps',
      'csat',
      'comment',
      'nextVisit',
      'rooms',
      'last',
    ]);
  });

  it('should end the survey after a complete trigger', () => {
    expect(shownIds({ nps: 9, csat: 4, returning: false })).toEqual([
      'nps',
      'csat',
      'stars',
      'liked',
      'returning',
    ]);
  });

  it('should not let an answer to a hidden question drive the logic', () => {
    // reason is hidden (nps 9), so its answer must not count; csat's skip reads only csat.
    expect(shownIds({ nps: 9, reason: 'other' })).not.toContain('reason');
  });

  it('should give the texts in the respondent language', () => {
    const [nps] = visibleQuestions(visitSurvey(), {}, 'fr');
    expect(nps).toEqual({
      questionId: 'nps',
      kind: 'nps',
      type: 'rating',
      page: 'score',
      title: 'Nous recommanderiez-vous ?',
      isRequired: true,
      scaleMin: 0,
      scaleMax: 10,
    });
  });

  it('should fall back from a regional language to its primary language', () => {
    expect(visibleQuestions(visitSurvey(), {}, 'fr-CA')[0]?.title).toBe(
      'Nous recommanderiez-vous ?',
    );
  });

  it('should fall back to the default language where a translation is missing', () => {
    const reason = visibleQuestions(visitSurvey(), { nps: 1 }, 'fr').find(
      (question) => question.questionId === 'reason',
    );
    expect(reason).toMatchObject({
      kind: 'single_choice',
      title: "Qu'est-ce qui n'a pas été ?",
      choices: [
        { value: 'wait', text: 'Attente' },
        { value: 'staff', text: 'Staff' },
      ],
      otherItem: { value: 'other', text: 'Autre chose' },
    });
    expect(visibleQuestions(visitSurvey(), {}, 'de')[0]?.title).toBe('Would you recommend us?');
  });

  it('should present matrix rows and columns, kinds and limits', () => {
    const questions = visibleQuestions(visitSurvey(), {}, 'en');
    expect(questions.find((question) => question.questionId === 'rooms')).toMatchObject({
      kind: 'matrix',
      rows: [
        { value: 'waiting', text: 'waiting' },
        { value: 'exam', text: 'exam' },
      ],
      columns: [
        { value: 1, text: '1' },
        { value: 2, text: '2' },
        { value: 3, text: '3' },
      ],
    });
    expect(questions.map((question) => question.kind)).toEqual([
      'nps',
      'csat',
      'rating',
      'multiple_choice',
      'boolean',
      'text',
      'date',
      'matrix',
      'text',
    ]);
    expect(questions.find((question) => question.questionId === 'nextVisit')).toMatchObject({
      minDate: '2024-01-01',
      maxDate: '2030-12-31',
    });
  });
});
