import type { SurveyVersionInput } from './survey-definition';

/** A survey using every question type, logic (visibleIf, skip, complete) and two languages. */
export function visitSurvey(): SurveyVersionInput {
  return {
    defaultLanguage: 'en',
    definition: {
      title: { default: 'After your visit', fr: 'Après votre visite' },
      pages: [
        {
          name: 'score',
          elements: [
            {
              type: 'rating',
              name: 'nps',
              rateMin: 0,
              rateMax: 10,
              isRequired: true,
              title: { default: 'Would you recommend us?', fr: 'Nous recommanderiez-vous ?' },
            },
            { type: 'rating', name: 'csat', isRequired: true, title: 'How satisfied are you?' },
            {
              type: 'rating',
              name: 'stars',
              rateType: 'stars',
              rateMax: 5,
              title: 'Stars for the room',
            },
          ],
        },
        {
          name: 'details',
          elements: [
            {
              type: 'radiogroup',
              name: 'reason',
              isRequired: true,
              visibleIf: '{nps} <= 6',
              title: { default: 'What went wrong?', fr: "Qu'est-ce qui n'a pas été ?" },
              choices: [
                { value: 'wait', text: { default: 'Waiting time', fr: 'Attente' } },
                { value: 'staff', text: 'Staff' },
              ],
              showOtherItem: true,
              otherText: { default: 'Something else', fr: 'Autre chose' },
            },
            {
              type: 'checkbox',
              name: 'liked',
              title: 'What did you like?',
              choices: ['parking', 'coffee', 'music'],
              maxSelectedChoices: 2,
              hasOther: true,
            },
            { type: 'boolean', name: 'returning', title: 'Will you come back?' },
            { type: 'comment', name: 'comment', title: 'Anything else?', maxLength: 20 },
            {
              type: 'text',
              inputType: 'date',
              name: 'nextVisit',
              title: 'Next visit',
              min: '2024-01-01',
              max: '2030-12-31',
            },
            {
              type: 'matrix',
              name: 'rooms',
              title: 'Rate the rooms',
              rows: ['waiting', 'exam'],
              columns: [1, 2, 3],
              isRequired: true,
              isAllRowRequired: true,
              visibleIf: "{language} <> 'de'",
            },
            { type: 'text', name: 'last', title: 'Last words' },
          ],
        },
      ],
      triggers: [
        { type: 'complete', expression: '{returning} = false' },
        { type: 'skip', expression: '{csat} = 5', gotoName: 'comment' },
      ],
    },
  };
}
