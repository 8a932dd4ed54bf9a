import type { QuestionKind } from '@careloop/contracts';
import { withoutFreeText } from './free-text';

describe(withoutFreeText.name, () => {
  const kinds = new Map<string, QuestionKind>([
    ['nps', 'nps'],
    ['reason', 'single_choice'],
    ['comment', 'text'],
    ['visit', 'date'],
  ]);

  it('should drop free-text answers and "other" texts, keeping scores and choices', () => {
    expect(
      withoutFreeText(
        {
          nps: 3,
          reason: 'other',
          'reason-Comment': 'Dr Favre called me Jeanne',
          comment: 'I live at 3 rue du Lac',
          visit: '2024-05-01',
        },
        kinds,
      ),
    ).toEqual({ answers: { nps: 3, reason: 'other', visit: '2024-05-01' }, removed: 2 });
  });

  it('should drop every string answer when the version is unknown', () => {
    expect(withoutFreeText({ nps: 3, reason: 'wait', topics: ['a'] }, new Map())).toEqual({
      answers: { nps: 3, topics: ['a'] },
      removed: 1,
    });
  });
});
