import { uniqueSuffix } from '@careloop/testing';
import type { CareLoopStack } from './support/careloop-stack';
import { startCareLoopStack } from './support/careloop-stack';
import { CareLoopClient } from './support/careloop-client';
import { EventTap } from './support/event-tap';

jest.setTimeout(240_000);

/** A survey with logic: the comment is asked only of detractors (NPS 0-6). */
const surveyDefinition = {
  pages: [
    {
      name: 'p1',
      elements: [
        {
          type: 'rating',
          name: 'nps',
          rateMin: 0,
          rateMax: 10,
          isRequired: true,
          title: {
            default: 'How likely are you to recommend us?',
            fr: 'Nous recommanderiez-vous ?',
          },
        },
        {
          type: 'comment',
          name: 'why',
          visibleIf: '{nps} <= 6',
          title: { default: 'What should we improve?', fr: 'Que devrions-nous améliorer ?' },
        },
      ],
    },
  ],
};

function finishedEncounter(appointmentId: string, email: string): Record<string, unknown> {
  const end = new Date(Date.now() - 10 * 60_000);
  const start = new Date(end.getTime() - 30 * 60_000);
  return {
    resourceType: 'Encounter',
    id: `enc-${appointmentId}`,
    identifier: [{ system: 'urn:e2e:appointments', value: appointmentId }],
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: '#patient' },
    period: { start: start.toISOString(), end: end.toISOString() },
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        identifier: [{ type: { coding: [{ code: 'MR' }] }, value: `MRN-${appointmentId}` }],
        name: [{ family: 'Martin', given: ['Jeanne'] }],
        telecom: [{ system: 'email', value: email }],
        communication: [{ language: { coding: [{ code: 'fr' }] } }],
      },
    ],
  };
}

describe("the patient's path from a finished encounter to submitted answers, through the gateway", () => {
  let stack: CareLoopStack;
  let client: CareLoopClient;
  let tap: EventTap;

  beforeAll(async () => {
    stack = await startCareLoopStack();
    client = new CareLoopClient(stack.gatewayUrl);
    tap = await EventTap.open(stack.topicPrefix, [
      'survey.published',
      'feedback.session.created',
      'feedback.session.skipped',
      'survey.response.submitted',
    ]);
  });

  afterAll(async () => {
    await tap?.close();
    await stack?.stop();
  });

  it('should invite, save and resume a draft, refuse answers that break the survey, and publish the submitted answers with their version', async () => {
    const admin = await client.signup({ organizationName: `Feedback clinic ${uniqueSuffix()}` });
    const orgId = admin.orgId!;
    await client.waitUntilOrgReadable(orgId, admin.accessToken);
    const token = admin.accessToken;

    const survey = await client.request<{ surveyId: string }>('POST', '/api/surveys', {
      token,
      body: { title: 'After your visit', defaultLanguage: 'en', definition: surveyDefinition },
    });
    expect(survey.status).toBe(201);
    const surveyId = survey.body.surveyId;
    const rules = await client.request('PUT', `/api/surveys/${surveyId}/distribution`, {
      token,
      body: { rules: [{ samplingRate: 1 }] },
    });
    expect(rules.status).toBe(200);
    const published = await client.request<{ version: number }>(
      'POST',
      `/api/surveys/${surveyId}/publish`,
      { token },
    );
    expect(published.status).toBe(200);
    await tap.waitFor('survey.published', (event) => event.data['surveyId'] === surveyId);

    const integration = await client.request<{ clientId: string; clientSecret: string }>(
      'POST',
      '/api/auth/oauth/clients',
      { token, body: { name: 'Hospital EHR', scopes: ['appointments:write'] } },
    );
    expect(integration.status).toBe(201);
    const issued = await client.request<{ access_token: string }>('POST', '/api/auth/oauth/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: integration.body.clientId,
        client_secret: integration.body.clientSecret,
        scope: 'appointments:write',
      },
    });
    expect(issued.status).toBe(200);

    // feedback-service learns the survey from its event; the appointment must not arrive before.
    const appointmentId = `APT-${uniqueSuffix()}`;
    const postedAt = Date.now();
    const intake = await client.request<{ accepted: { externalId: string }[] }>(
      'POST',
      '/api/intake/fhir',
      {
        token: issued.body.access_token,
        headers: { 'content-type': 'application/fhir+json' },
        body: finishedEncounter(appointmentId, `jeanne-${uniqueSuffix()}@example.org`),
      },
    );
    expect(intake.status).toBe(202);
    expect(intake.body.accepted).toEqual([expect.objectContaining({ externalId: appointmentId })]);

    const created = await tap.waitFor(
      'feedback.session.created',
      (event) => event.data['externalAppointmentId'] === appointmentId,
    );
    console.info(`session created ${Date.now() - postedAt} ms after the intake answered`);
    const respondentToken = String(created.data['respondentUrl']).split('/').pop()!;

    const opened = await client.request<{
      survey: { surveyId: string; version: number };
      language: string;
      questions: { questionId?: string; name?: string }[];
      draft: { answers: Record<string, unknown> } | null;
    }>('GET', `/r/${respondentToken}`);
    expect(opened.status).toBe(200);
    expect(opened.body.survey).toMatchObject({ surveyId, version: published.body.version });
    expect(opened.body.language).toBe('fr');
    expect(opened.body.draft).toBeNull();

    const draft = await client.request('PUT', `/r/${respondentToken}/draft`, {
      body: { answers: { nps: 4 } },
    });
    expect(draft.status).toBe(200);
    const resumed = await client.request<{ draft: { answers: Record<string, unknown> } | null }>(
      'GET',
      `/r/${respondentToken}`,
    );
    expect(resumed.body.draft?.answers).toEqual({ nps: 4 });

    for (const [answers, questionId] of [
      [{ nps: 9, why: 'Nothing, all good' }, 'why'], // answers a question the logic hides
      [{ nps: 11 }, 'nps'], // out of range
      [{ why: 'The wait' }, 'nps'], // required answer missing
    ] as const) {
      const refused = await client.request<{ errors: { field: string }[] }>(
        'POST',
        `/r/${respondentToken}/submit`,
        { body: { answers } },
      );
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((error) => error.field)).toContain(`answers.${questionId}`);
    }

    const answers = { nps: 4, why: 'The waiting room was cold' };
    const submitted = await client.request<{ responseId: string }>(
      'POST',
      `/r/${respondentToken}/submit`,
      { body: { answers } },
    );
    expect(submitted.status).toBe(201);
    const again = await client.request('POST', `/r/${respondentToken}/submit`, {
      body: { answers },
    });
    expect(again.status).toBe(201);
    const different = await client.request('POST', `/r/${respondentToken}/submit`, {
      body: { answers: { nps: 10 } },
    });
    expect(different.status).toBe(409);

    const event = await tap.waitFor(
      'survey.response.submitted',
      (candidate) => candidate.data['responseId'] === submitted.body.responseId,
    );
    expect(event.orgid).toBe(orgId);
    expect(event.data).toMatchObject({ surveyId, surveyVersion: published.body.version, answers });
    expect(tap.all('survey.response.submitted')).toHaveLength(1);
  });

  it('should open one session for an appointment delivered twice', async () => {
    const admin = await client.signup({ organizationName: `Twice clinic ${uniqueSuffix()}` });
    await client.waitUntilOrgReadable(admin.orgId!, admin.accessToken);
    const token = admin.accessToken;
    const survey = await client.request<{ surveyId: string }>('POST', '/api/surveys', {
      token,
      body: { title: 'Twice', defaultLanguage: 'en', definition: surveyDefinition },
    });
    await client.request('PUT', `/api/surveys/${survey.body.surveyId}/distribution`, {
      token,
      body: { rules: [{ samplingRate: 1 }] },
    });
    await client.request('POST', `/api/surveys/${survey.body.surveyId}/publish`, { token });
    await tap.waitFor(
      'survey.published',
      (event) => event.data['surveyId'] === survey.body.surveyId,
    );

    const appointmentId = `APT-${uniqueSuffix()}`;
    const encounter = finishedEncounter(appointmentId, `twice-${uniqueSuffix()}@example.org`);
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const intake = await client.request('POST', '/api/intake/fhir', {
        token,
        headers: { 'content-type': 'application/fhir+json' },
        body: encounter,
      });
      expect(intake.status).toBe(202);
    }
    await tap.waitFor(
      'feedback.session.created',
      (event) => event.data['externalAppointmentId'] === appointmentId,
    );
    const sessions = await client.request<{ items: unknown[] }>(
      'GET',
      `/api/feedback/sessions?externalAppointmentId=${appointmentId}`,
      { token },
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body.items).toHaveLength(1);
  });
});
