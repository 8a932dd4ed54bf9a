import type { AuditLoggedV1, SurveyArchivedV1, SurveyPublishedV1 } from '@careloop/contracts';
import { newUuid, waitFor } from '@careloop/testing';
import { SurveyTestStack } from './support/survey-test-stack';

// @fastify/static (Swagger UI assets) requires an ESM-only content-disposition: Node 20 loads it,
// jest's CommonJS runtime cannot. The docs UI is not under test here, so it is a no-op plugin.
jest.mock(
  '@fastify/static',
  () => (_instance: unknown, _options: unknown, done: () => void) => done(),
);

jest.setTimeout(60_000);

interface SurveyBody {
  surveyId: string;
  title: string;
  status: string;
  latestVersion: number;
  latestVersionStatus: string;
  publishedVersion: number | null;
  latest: { version: number; status: string; definition: Record<string, unknown>; title: string };
  distribution: { revision: number; rules: { samplingRate: number; ruleId: string }[] };
}

interface ProblemBody {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

function npsSurvey(title = 'Recommend us?'): Record<string, unknown> {
  return {
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
            title: { default: title, en: 'Recommend us?' },
          },
          { type: 'comment', name: 'why', visibleIf: '{nps} <= 6', title: 'Pourquoi ?' },
        ],
      },
    ],
  };
}

describe('survey-service surveys', () => {
  let stack: SurveyTestStack;
  const orgId = newUuid();
  const editorId = newUuid();
  let editor: string;
  let viewer: string;
  let analyst: string;
  let otherOrgAdmin: string;

  beforeAll(async () => {
    stack = await SurveyTestStack.start(2);
    editor = await stack.tokenFor({ sub: editorId, org: orgId, roles: ['survey_editor'] });
    viewer = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['viewer'] });
    analyst = await stack.tokenFor({ sub: newUuid(), org: orgId, roles: ['analyst'] });
    otherOrgAdmin = await stack.tokenFor({ sub: newUuid(), org: newUuid(), roles: ['org_admin'] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function createSurvey(
    title = 'After your visit',
    definition = npsSurvey(),
  ): Promise<SurveyBody> {
    const created = await stack.http<SurveyBody>('POST', '/api/surveys', {
      token: editor,
      body: { title, defaultLanguage: 'fr', definition },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('should publish a draft as version 1 and put the frozen version with its rules on Kafka', async () => {
    const survey = await createSurvey();
    expect(survey).toMatchObject({
      latestVersion: 1,
      latestVersionStatus: 'draft',
      publishedVersion: null,
      status: 'active',
    });
    const rules = await stack.http('PUT', `/api/surveys/${survey.surveyId}/distribution`, {
      token: editor,
      body: {
        rules: [
          { departments: ['cardiology'], samplingRate: 0.25 },
          { samplingRate: 1, channels: ['sms'] },
        ],
      },
    });
    expect(rules.status).toBe(200);

    const published = await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, {
      token: editor,
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ surveyId: survey.surveyId, version: 1 });

    const [event] = await waitFor(
      () =>
        stack
          .eventsOf<SurveyPublishedV1>('survey.published')
          .filter((e) => e.subject === survey.surveyId),
      (events) => events.length === 1,
      { description: 'survey.published' },
    );
    expect(event?.orgid).toBe(orgId);
    expect(event?.data).toMatchObject({
      surveyId: survey.surveyId,
      orgId,
      version: 1,
      title: 'After your visit',
      defaultLanguage: 'fr',
      languages: ['fr', 'en'],
      definition: npsSurvey(),
      questions: [
        { questionId: 'nps', kind: 'nps', title: 'Recommend us?', scaleMin: 0, scaleMax: 10 },
        { questionId: 'why', kind: 'text', title: 'Pourquoi ?' },
      ],
      distributionRules: [
        {
          priority: 0,
          match: { departments: ['cardiology'] },
          samplingPercent: 25,
          channels: ['email', 'sms'],
        },
        { priority: 1, match: {}, samplingPercent: 100, channels: ['sms'] },
      ],
      publishedBy: editorId,
    });
    const audits = await waitFor(
      () =>
        stack
          .eventsOf<AuditLoggedV1>('audit.logged')
          .filter((e) => e.data.target.id === survey.surveyId)
          .map((e) => e.data.action),
      (actions) => actions.length >= 3,
      { description: 'audit entries' },
    );
    expect(audits).toEqual(['survey.created', 'distribution.updated', 'survey.published']);

    const again = await stack.http<ProblemBody>('POST', `/api/surveys/${survey.surveyId}/publish`, {
      token: editor,
    });
    expect(again.status).toBe(409);
  });

  it('should open version 2 as a draft when a published survey is edited, leaving version 1 unchanged', async () => {
    const survey = await createSurvey('Versioned');
    await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, { token: editor });

    const edited = await stack.http<SurveyBody>('PUT', `/api/surveys/${survey.surveyId}/draft`, {
      token: editor,
      body: {
        title: 'Versioned v2',
        defaultLanguage: 'fr',
        definition: npsSurvey('Nous recommanderiez-vous ?'),
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      latestVersion: 2,
      latestVersionStatus: 'draft',
      publishedVersion: 1,
      title: 'Versioned v2',
    });

    const secondEdit = await stack.http<SurveyBody>(
      'PUT',
      `/api/surveys/${survey.surveyId}/draft`,
      {
        token: editor,
        body: { title: 'Versioned v2b', defaultLanguage: 'fr', definition: npsSurvey('Encore ?') },
      },
    );
    expect(secondEdit.body).toMatchObject({ latestVersion: 2, title: 'Versioned v2b' });

    const first = await stack.http('GET', `/api/surveys/${survey.surveyId}/versions/1`, {
      token: viewer,
    });
    expect(first.body).toMatchObject({
      version: 1,
      status: 'published',
      title: 'Versioned',
      definition: npsSurvey(),
    });
    const second = await stack.http('GET', `/api/surveys/${survey.surveyId}/versions/2`, {
      token: viewer,
    });
    expect(second.body).toMatchObject({
      version: 2,
      status: 'draft',
      title: 'Versioned v2b',
      definition: npsSurvey('Encore ?'),
    });
    expect(
      (await stack.http('GET', `/api/surveys/${survey.surveyId}/versions/3`, { token: viewer }))
        .status,
    ).toBe(404);

    // Even a direct UPDATE cannot change a published version.
    await expect(
      stack.sql(
        `SELECT set_config('app.org_id', '${orgId}', false);
         UPDATE survey_version SET title = 'tampered' WHERE survey_id = '${survey.surveyId}' AND version = 1`,
      ),
    ).rejects.toThrow(/published and immutable/);

    const published = await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, {
      token: editor,
    });
    expect(published.body).toMatchObject({ version: 2 });
  });

  it('should show a write on one instance at the next read on the other (cache invalidated through Redis)', async () => {
    const survey = await createSurvey('Cached');
    const path = `/api/surveys/${survey.surveyId}`;
    const before = await stack.http<SurveyBody>('GET', path, { token: viewer, instance: 1 });
    expect(before.body).toMatchObject({ title: 'Cached', publishedVersion: null });

    // Behind the service's back: instance 1 keeps serving its cached copy.
    await stack.sql(
      `SELECT set_config('app.org_id', '${orgId}', false);
       UPDATE survey_version SET title = 'changed behind the cache' WHERE survey_id = '${survey.surveyId}'`,
    );
    expect(
      (await stack.http<SurveyBody>('GET', path, { token: viewer, instance: 1 })).body.title,
    ).toBe('Cached');

    const published = await stack.http('POST', `${path}/publish`, { token: editor, instance: 0 });
    expect(published.status).toBe(200);
    const after = await waitFor(
      () => stack.http<SurveyBody>('GET', path, { token: viewer, instance: 1 }),
      (result) => result.body.publishedVersion === 1,
      { timeoutMs: 1_000, description: 'instance 1 to see version 1 published' },
    );
    expect(after.body).toMatchObject({
      latestVersionStatus: 'published',
      title: 'changed behind the cache',
    });

    await stack.http('PUT', `${path}/draft`, {
      token: editor,
      instance: 1,
      body: { title: 'Cached v2', defaultLanguage: 'fr', definition: npsSurvey() },
    });
    const onFirst = await waitFor(
      () => stack.http<SurveyBody>('GET', path, { token: viewer, instance: 0 }),
      (result) => result.body.latestVersion === 2,
      { timeoutMs: 1_000, description: 'instance 0 to see the version 2 draft' },
    );
    expect(onFirst.body.title).toBe('Cached v2');
  });

  it('should let viewers and analysts read but not write', async () => {
    const survey = await createSurvey('Roles');
    const denied = await stack.http('POST', '/api/surveys', {
      token: viewer,
      body: { title: 'Nope', defaultLanguage: 'fr', definition: npsSurvey() },
    });
    expect(denied.status).toBe(403);
    expect(
      (await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, { token: analyst }))
        .status,
    ).toBe(403);
    expect(
      (
        await stack.http('PUT', `/api/surveys/${survey.surveyId}/distribution`, {
          token: viewer,
          body: { rules: [] },
        })
      ).status,
    ).toBe(403);
    expect(
      (await stack.http('GET', `/api/surveys/${survey.surveyId}`, { token: viewer })).status,
    ).toBe(200);
    expect((await stack.http('GET', '/api/surveys', { token: analyst })).status).toBe(200);
    expect((await stack.http('GET', '/api/surveys')).status).toBe(401);
  });

  it("should keep another organization's surveys out of reach", async () => {
    const survey = await createSurvey('Private');
    expect(
      (await stack.http('GET', `/api/surveys/${survey.surveyId}`, { token: otherOrgAdmin })).status,
    ).toBe(404);
    expect(
      (
        await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, {
          token: otherOrgAdmin,
        })
      ).status,
    ).toBe(404);
    const list = await stack.http<{ items: unknown[] }>('GET', '/api/surveys', {
      token: otherOrgAdmin,
    });
    expect(list.body.items).toEqual([]);
  });

  it.each([
    [
      'a duplicate question id',
      {
        elements: [
          { type: 'boolean', name: 'q1', title: 'A' },
          { type: 'boolean', name: 'q1', title: 'B' },
        ],
      },
      'elements[1].name',
      'Question "q1": duplicate question id',
    ],
    [
      'logic reading a later question',
      {
        elements: [
          { type: 'boolean', name: 'a', title: 'A', visibleIf: '{b} = true' },
          { type: 'boolean', name: 'b', title: 'B' },
        ],
      },
      'elements[0].visibleIf',
      'Question "a": the condition reads {b}, which is not an earlier question',
    ],
    [
      'logic reading an unknown question',
      { elements: [{ type: 'boolean', name: 'a', title: 'A', visibleIf: '{ghost} = true' }] },
      'elements[0].visibleIf',
      'Question "a": the condition reads {ghost}, which is not a question of this survey',
    ],
    [
      'a rating scale out of bounds',
      { elements: [{ type: 'rating', name: 'stars', title: 'S', rateMin: 1, rateMax: 7 }] },
      'elements[0].rateMax',
      'Question "stars": the scale 1 to 7 is out of bounds',
    ],
    [
      'a choice question without options',
      { elements: [{ type: 'radiogroup', name: 'pick', title: 'P', choices: [] }] },
      'elements[0].choices',
      'Question "pick" choices: at least one is required',
    ],
    [
      'a missing default-language text',
      { elements: [{ type: 'boolean', name: 'ok', title: { en: 'OK?' } }] },
      'elements[0].title',
      'Question "ok" title has no text in the default language (fr)',
    ],
  ])('should answer 422 naming the question for %s', async (_case, definition, field, message) => {
    const response = await stack.http<ProblemBody>('POST', '/api/surveys', {
      token: editor,
      body: { title: 'Invalid', defaultLanguage: 'fr', definition },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors?.[0]?.field).toBe(`definition.${field}`);
    expect(response.body.errors?.[0]?.message).toContain(message);
  });

  it('should answer 422 when publishing a survey without questions', async () => {
    const survey = await createSurvey('Empty', { pages: [] });
    const response = await stack.http<ProblemBody>(
      'POST',
      `/api/surveys/${survey.surveyId}/publish`,
      { token: editor },
    );
    expect(response.status).toBe(422);
    expect(response.body.errors?.[0]?.message).toContain('at least one question');
  });

  it.each([
    ['unparsable JSON', { rawBody: '{"title": ' }],
    [
      'a definition that is not an object',
      { body: { title: 'X', defaultLanguage: 'fr', definition: 'pages' } },
    ],
    ['a missing title', { body: { defaultLanguage: 'fr', definition: npsSurvey() } }],
    [
      'a bad language tag',
      { body: { title: 'X', defaultLanguage: 'french!', definition: npsSurvey() } },
    ],
    [
      'an unknown field',
      { body: { title: 'X', defaultLanguage: 'fr', definition: npsSurvey(), extra: 1 } },
    ],
  ])('should answer 400 for %s', async (_case, options) => {
    const response = await stack.http<ProblemBody>('POST', '/api/surveys', {
      token: editor,
      ...options,
    });
    expect(response.status).toBe(400);
  });

  it('should refuse malformed distribution rules with 400', async () => {
    const survey = await createSurvey('Rules');
    for (const rules of [
      [{ samplingRate: 1.5 }],
      [{ samplingRate: 0.333 }],
      [{ samplingRate: 1, channels: ['fax'] }],
      [{ sites: [], samplingRate: 1 }],
    ]) {
      const response = await stack.http<ProblemBody>(
        'PUT',
        `/api/surveys/${survey.surveyId}/distribution`,
        { token: editor, body: { rules } },
      );
      expect(response.status).toBe(400);
    }
  });

  it('should send survey.published again with the new rules when the rules of a published survey change', async () => {
    const survey = await createSurvey('Routing');
    await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, { token: editor });
    await stack.http('PUT', `/api/surveys/${survey.surveyId}/distribution`, {
      token: editor,
      body: { rules: [{ sites: ['paris-15'], providers: ['dr-durand'], samplingRate: 0.5 }] },
    });
    const events = await waitFor(
      () =>
        stack
          .eventsOf<SurveyPublishedV1>('survey.published')
          .filter((e) => e.subject === survey.surveyId),
      (found) => found.length === 2,
      { description: 'two survey.published events' },
    );
    expect(events.map((event) => event.data.version)).toEqual([1, 1]);
    expect(events[1]?.data.distributionRules).toMatchObject([
      { match: { sites: ['paris-15'], providers: ['dr-durand'] }, samplingPercent: 50 },
    ]);
    const read = await stack.http<SurveyBody>('GET', `/api/surveys/${survey.surveyId}`, {
      token: viewer,
    });
    expect(read.body.distribution).toMatchObject({ revision: 1, rules: [{ samplingRate: 0.5 }] });
  });

  it('should archive a survey, emit survey.archived and refuse further changes', async () => {
    const survey = await createSurvey('Archived');
    await stack.http('POST', `/api/surveys/${survey.surveyId}/publish`, { token: editor });
    const archived = await stack.http<SurveyBody>(
      'POST',
      `/api/surveys/${survey.surveyId}/archive`,
      { token: editor },
    );
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe('archived');
    const [event] = await waitFor(
      () =>
        stack
          .eventsOf<SurveyArchivedV1>('survey.archived')
          .filter((e) => e.subject === survey.surveyId),
      (found) => found.length === 1,
      { description: 'survey.archived' },
    );
    expect(event?.data).toMatchObject({
      surveyId: survey.surveyId,
      orgId,
      lastPublishedVersion: 1,
      archivedBy: editorId,
    });
    const body = { title: 'Late', defaultLanguage: 'fr', definition: npsSurvey() };
    expect(
      (await stack.http('PUT', `/api/surveys/${survey.surveyId}/draft`, { token: editor, body }))
        .status,
    ).toBe(409);
    expect(
      (await stack.http('POST', `/api/surveys/${survey.surveyId}/archive`, { token: editor }))
        .status,
    ).toBe(409);
  });

  it('should page through surveys with a cursor, newest first', async () => {
    const pagingOrg = newUuid();
    const admin = await stack.tokenFor({ sub: newUuid(), org: pagingOrg, roles: ['org_admin'] });
    for (const title of ['one', 'two', 'three']) {
      const created = await stack.http('POST', '/api/surveys', {
        token: admin,
        body: {
          title,
          defaultLanguage: 'en',
          definition: { elements: [{ type: 'boolean', name: 'b', title: 'B' }] },
        },
      });
      expect(created.status).toBe(201);
    }
    const first = await stack.http<{ items: { title: string }[]; nextCursor: string | null }>(
      'GET',
      '/api/surveys?limit=2',
      { token: admin },
    );
    expect(first.body.items.map((item) => item.title)).toEqual(['three', 'two']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await stack.http<{ items: { title: string }[]; nextCursor: string | null }>(
      'GET',
      `/api/surveys?limit=2&cursor=${first.body.nextCursor ?? ''}`,
      { token: admin },
    );
    expect(second.body).toEqual({
      items: [expect.objectContaining({ title: 'one' })],
      nextCursor: null,
    });
    expect((await stack.http('GET', '/api/surveys?cursor=garbage!', { token: admin })).status).toBe(
      400,
    );
  });
});
