import { languagesOf, validateDefinition } from './definition-validator';
import { visitSurvey } from './spec-fixtures';
import type { QuestionJson, SurveyDefinition } from './survey-definition';

function withQuestions(...elements: QuestionJson[]): SurveyDefinition {
  return { pages: [{ name: 'p1', elements }] };
}

function messagesOf(definition: unknown, defaultLanguage = 'en'): string[] {
  return validateDefinition(definition, defaultLanguage).map(
    (issue) => `${issue.field}: ${issue.message}`,
  );
}

describe(validateDefinition.name, () => {
  it('should accept a survey using every supported type, logic and translations', () => {
    const { definition, defaultLanguage } = visitSurvey();
    expect(validateDefinition(definition, defaultLanguage)).toEqual([]);
  });

  it('should accept questions listed in elements without pages', () => {
    expect(messagesOf({ elements: [{ type: 'boolean', name: 'ok', title: 'OK?' }] })).toEqual([]);
  });

  it('should refuse something that is not an object', () => {
    expect(messagesOf([])).toEqual(['definition: must be a SurveyJS survey JSON object']);
  });

  it('should name a duplicate question id', () => {
    const messages = messagesOf(
      withQuestions(
        { type: 'boolean', name: 'q1', title: 'A' },
        { type: 'boolean', name: 'q1', title: 'B' },
      ),
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[1].name: Question "q1": duplicate question id',
    ]);
  });

  it('should refuse a condition that reads a later question', () => {
    const messages = messagesOf(
      withQuestions(
        { type: 'boolean', name: 'first', title: 'A', visibleIf: '{second} = true' },
        { type: 'boolean', name: 'second', title: 'B' },
      ),
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[0].visibleIf: Question "first": the condition reads {second}, which is not an earlier question',
    ]);
  });

  it('should refuse a condition that reads an unknown question', () => {
    const messages = messagesOf(
      withQuestions({ type: 'boolean', name: 'first', title: 'A', visibleIf: '{ghost} = 1' }),
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[0].visibleIf: Question "first": the condition reads {ghost}, which is not a question of this survey',
    ]);
  });

  it('should refuse a condition that reads the question itself', () => {
    const messages = messagesOf(
      withQuestions({ type: 'boolean', name: 'first', title: 'A', visibleIf: '{first} = true' }),
    );
    expect(messages[0]).toContain('which is not an earlier question');
  });

  it.each([
    ['an unparsable expression', '{a} = ', 'cannot be parsed'],
    ['an unknown function', 'nosuch({a}) = 1', 'unknown function nosuch()'],
    ['an arithmetic expression', '{a} + 1', 'is not a true/false condition'],
  ])('should refuse %s in a condition', (_case, expression, message) => {
    const messages = messagesOf(
      withQuestions(
        { type: 'rating', name: 'a', title: 'A' },
        { type: 'boolean', name: 'b', title: 'B', visibleIf: expression },
      ),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('Question "b"');
    expect(messages[0]).toContain(message);
  });

  it('should allow conditions on the respondent language', () => {
    expect(
      messagesOf(
        withQuestions({ type: 'boolean', name: 'b', title: 'B', visibleIf: "{language} = 'fr'" }),
      ),
    ).toEqual([]);
  });

  it('should refuse a page condition that reads a question of its own page', () => {
    const messages = messagesOf({
      pages: [
        { name: 'p1', elements: [{ type: 'boolean', name: 'a', title: 'A' }] },
        {
          name: 'p2',
          visibleIf: '{b} = true',
          elements: [{ type: 'boolean', name: 'b', title: 'B' }],
        },
      ],
    });
    expect(messages).toEqual([
      'definition.pages[1].visibleIf: Page "p2": the condition reads {b}, which is not an earlier question',
    ]);
  });

  it.each([
    [{ rateMin: 0, rateMax: 5 }, 'rateMin'],
    [{ rateMin: 1, rateMax: 7 }, 'rateMax'],
    [{ rateMin: 3, rateMax: 3 }, 'rateMin'],
    [{ rateMin: 0, rateMax: 11 }, 'rateMin'],
  ])('should refuse the rating scale %j naming the question', (scale, field) => {
    const messages = messagesOf(
      withQuestions({ type: 'rating', name: 'score', title: 'Score', ...scale }),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(
        `^definition.pages\\[0\\].elements\\[0\\].${field}: Question "score": the scale .* is out of bounds`,
      ),
    );
  });

  it('should refuse a rateStep other than 1', () => {
    expect(
      messagesOf(withQuestions({ type: 'rating', name: 'r', title: 'R', rateStep: 2 })),
    ).toEqual(['definition.pages[0].elements[0].rateStep: Question "r": rateStep must be 1']);
  });

  it.each(['radiogroup', 'dropdown', 'checkbox'])(
    'should refuse a %s question without choices',
    (type) => {
      expect(messagesOf(withQuestions({ type, name: 'pick', title: 'Pick' }))).toEqual([
        'definition.pages[0].elements[0].choices: Question "pick" choices: at least one is required',
      ]);
    },
  );

  it('should refuse duplicate choice values and a choice named like the other item', () => {
    const messages = messagesOf(
      withQuestions({
        type: 'radiogroup',
        name: 'pick',
        title: 'Pick',
        choices: ['a', 'a', 'other'],
        showOtherItem: true,
      }),
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[0].choices[1]: Question "pick" choices: the value "a" appears twice',
      'definition.pages[0].elements[0].choices: Question "pick": the value "other" is reserved for the "other" item',
    ]);
  });

  it('should refuse a question without a title in the default language', () => {
    const messages = messagesOf(
      withQuestions({ type: 'boolean', name: 'b', title: { fr: 'Oui ?' } }),
      'en',
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[0].title: Question "b" title has no text in the default language (en); add "default" or "en"',
    ]);
  });

  it('should accept the default language keyed by its own tag', () => {
    expect(
      messagesOf(
        withQuestions({ type: 'boolean', name: 'b', title: { fr: 'Oui ?', en: 'Yes?' } }),
        'fr',
      ),
    ).toEqual([]);
  });

  it('should refuse a question without a title and a choice text missing the default language', () => {
    const messages = messagesOf(
      withQuestions({
        type: 'radiogroup',
        name: 'pick',
        choices: [{ value: 'a', text: { fr: 'A' } }],
      }),
    );
    expect(messages).toEqual([
      'definition.pages[0].elements[0].title: Question "pick" title needs a text in the default language (en)',
      'definition.pages[0].elements[0].choices[0].text: Question "pick" choices "a" text has no text in the default language (en); add "default" or "en"',
    ]);
  });

  it('should refuse a text keyed by something that is not a language tag', () => {
    expect(
      messagesOf(
        withQuestions({ type: 'boolean', name: 'b', title: { default: 'B', 'not a tag': 'x' } }),
      )[0],
    ).toContain('"not a tag" is not a language tag');
  });

  it.each([
    [{ type: 'html', name: 'intro' }, 'type "html" is not supported'],
    [
      { type: 'text', inputType: 'number', name: 'n', title: 'N' },
      'type "text" with inputType "number" is not supported',
    ],
    [{ type: 'rating', name: 'r', title: 'R', rateValues: [1, 2] }, 'rateValues is not supported'],
    [{ type: 'boolean', name: 'b', title: 'B', valueName: 'x' }, 'valueName is not supported'],
  ])('should refuse %j', (question, message) => {
    const messages = messagesOf(withQuestions(question));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it('should refuse an invalid question id', () => {
    expect(
      messagesOf(withQuestions({ type: 'boolean', name: 'has space', title: 'B' }))[0],
    ).toContain('Question id "has space" must start with a letter');
  });

  it('should refuse a matrix without rows or columns', () => {
    expect(
      messagesOf(withQuestions({ type: 'matrix', name: 'm', title: 'M', rows: [], columns: [1] })),
    ).toEqual([
      'definition.pages[0].elements[0].rows: Question "m" rows: at least one is required',
    ]);
  });

  it('should refuse date bounds that are not dates', () => {
    expect(
      messagesOf(
        withQuestions({
          type: 'text',
          inputType: 'date',
          name: 'd',
          title: 'D',
          min: '2024-02-30',
        }),
      ),
    ).toEqual([
      'definition.pages[0].elements[0].min: Question "d": min must be a date (YYYY-MM-DD)',
    ]);
  });

  it('should refuse selection bounds beyond the choices', () => {
    expect(
      messagesOf(
        withQuestions({
          type: 'checkbox',
          name: 'c',
          title: 'C',
          choices: ['a'],
          maxSelectedChoices: 3,
        }),
      )[0],
    ).toContain('maxSelectedChoices must be a whole number from 0 to 1');
  });

  it('should refuse a skip to an earlier or unknown question and an unsupported trigger', () => {
    const definition: SurveyDefinition = {
      ...withQuestions(
        { type: 'boolean', name: 'a', title: 'A' },
        { type: 'boolean', name: 'b', title: 'B' },
      ),
      triggers: [
        { type: 'skip', expression: '{b} = true', gotoName: 'a' },
        { type: 'skip', expression: '{a} = true', gotoName: 'nowhere' },
        { type: 'setvalue' as 'skip', expression: '{a} = true' },
        { type: 'complete', expression: "{language} = 'fr'" },
      ],
    };
    expect(messagesOf(definition)).toEqual([
      'definition.triggers[0].gotoName: Trigger 0 (skip): question "a" must come after the questions the expression reads',
      'definition.triggers[1].gotoName: Trigger 1 (skip): gotoName "nowhere" is not a question of this survey',
      'definition.triggers[2].type: trigger type "setvalue" is not supported; use skip or complete',
      'definition.triggers[3].expression: Trigger 3 (complete): the expression must read at least one question',
    ]);
  });

  it('should report misspelt SurveyJS properties through survey-core', () => {
    const messages = messagesOf(
      withQuestions({ type: 'boolean', name: 'b', title: 'B', isRequird: true }),
    );
    expect(messages).toEqual([
      `definition: "b": Unknown property in class 'boolean': 'isRequird'.`,
    ]);
  });
});

describe(languagesOf.name, () => {
  it('should list the default language first, then every translated one', () => {
    expect(languagesOf(visitSurvey())).toEqual(['en', 'fr']);
  });
});
