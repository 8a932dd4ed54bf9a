import { buildEvent } from '@careloop/contracts';
import { contractRuleOf, surveyPublishedOf } from './survey-events';
import type { SurveyRecord, SurveyVersionRecord } from './surveys.repository';

const orgId = '6f1c1d1e-4a34-4c55-9a43-3f1d2b9b8a01';
const surveyId = 'a3d6c2f1-8e0b-4c7e-9c55-0f3b9f0e6d21';
const editorId = 'c7e2b8a4-1f3d-4e6a-8b9c-2d5f7a1e3b40';

const survey: SurveyRecord = {
  surveyId,
  orgId,
  status: 'active',
  latestVersion: 1,
  publishedVersion: 1,
  distributionRules: [
    {
      ruleId: '4d5e6f70-8192-43a4-b5c6-d7e8f90a1bb0',
      priority: 0,
      sites: ['paris-15'],
      samplingRate: 0.07,
      channels: ['sms'],
    },
  ],
  distributionRevision: 1,
  revision: 3,
  createdBy: editorId,
  createdAt: '2024-04-30T11:00:00.000000Z',
  updatedAt: '2024-04-30T12:00:00.000000Z',
  archivedAt: null,
};

const version: SurveyVersionRecord = {
  surveyId,
  version: 1,
  status: 'published',
  title: 'After your visit',
  defaultLanguage: 'fr',
  definition: {
    elements: [
      {
        type: 'rating',
        name: 'nps',
        rateMin: 0,
        rateMax: 10,
        title: { default: 'Recommanderiez-vous ?', en: 'Recommend?' },
      },
      { type: 'text', inputType: 'date', name: 'when', title: 'Quand ?' },
      { type: 'matrix', name: 'rooms', title: 'Salles', rows: ['a'], columns: [1, 2] },
    ],
  },
  createdBy: editorId,
  createdAt: '2024-04-30T11:00:00.000000Z',
  updatedAt: '2024-04-30T12:00:00.000000Z',
  publishedBy: editorId,
  publishedAt: '2024-04-30T12:00:00.000000Z',
};

describe(surveyPublishedOf.name, () => {
  it('should build a payload the survey.published contract accepts', () => {
    const event = buildEvent('survey.published', {
      source: '/careloop/survey-service',
      data: surveyPublishedOf(survey, version),
    });
    expect(event.data).toMatchObject({
      version: 1,
      languages: ['fr', 'en'],
      questions: [
        {
          questionId: 'nps',
          kind: 'nps',
          title: 'Recommanderiez-vous ?',
          scaleMin: 0,
          scaleMax: 10,
        },
        // The contract's kinds have no date or matrix yet.
        { questionId: 'when', kind: 'date', title: 'Quand ?' },
        { questionId: 'rooms', kind: 'matrix', title: 'Salles' },
      ],
      distributionRules: [
        { match: { sites: ['paris-15'] }, samplingPercent: 7, channels: ['sms'] },
      ],
    });
  });

  it('should refuse to describe a draft as published', () => {
    expect(() =>
      surveyPublishedOf(survey, {
        ...version,
        status: 'draft',
        publishedAt: null,
        publishedBy: null,
      }),
    ).toThrow('is not published');
  });
});

describe(contractRuleOf.name, () => {
  it.each([
    [0, 0],
    [0.01, 1],
    [0.29, 29],
    [1, 100],
  ])('should carry the sampling rate %d as %d percent', (samplingRate, samplingPercent) => {
    expect(
      contractRuleOf({ ruleId: survey.surveyId, priority: 0, samplingRate, channels: ['email'] }),
    ).toMatchObject({
      match: {},
      samplingPercent,
    });
  });
});
