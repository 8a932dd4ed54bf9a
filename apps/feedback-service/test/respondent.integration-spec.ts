import type { CloudEvent } from '@careloop/contracts';
import { newUuid, waitFor } from '@careloop/testing';
import { SessionsTestStack } from './support/sessions-test-stack';

interface SurveyView {
  status: string;
  language: string;
  survey: { surveyId: string; version: number; title: string };
  questions: { questionId: string; title: string }[];
  draft: { answers: Record<string, unknown>; savedAt: string } | null;
}

interface Problem {
  type: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

jest.setTimeout(30_000);

describe('respondent /r/{token}', () => {
  let stack: SessionsTestStack;
  let orgId: string;
  let surveyId: string;

  beforeAll(async () => {
    stack = await SessionsTestStack.start();
    orgId = await stack.organization();
    surveyId = (await stack.publishSurvey(orgId)).surveyId;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const submittedEvents = (sessionId: string) =>
    stack.published.filter(
      (event) => event.type === 'survey.response.submitted' && event.subject === sessionId,
    );

  it('should walk a patient through GET, draft, resume after a restart and a Redis loss, and submit', async () => {
    const { token, sessionId, appointment } = await stack.openSession(orgId);

    const first = await stack.http<SurveyView>('GET', `/r/${token}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'open',
      language: 'fr',
      survey: { surveyId, version: 1, title: 'Après votre visite' },
      draft: null,
    });
    // In French, where translated; "reason" is hidden until the NPS says so.
    expect(first.body.questions.map((question) => question.questionId)).toEqual([
      'nps',
      'csat',
      'comment',
    ]);
    expect(first.body.questions[0]?.title).toBe('Nous recommanderiez-vous ?');
    expect(first.body.questions[2]?.title).toBe('Anything else?');

    const saved = await stack.http('PUT', `/r/${token}/draft`, { answers: { nps: 4 } });
    expect(saved.status).toBe(200);
    const resumed = await stack.http<SurveyView>('GET', `/r/${token}`);
    expect(resumed.body.draft?.answers).toEqual({ nps: 4 });
    expect(resumed.body.questions.map((question) => question.questionId)).toContain('reason');

    // A restart drains the draft sync; the draft is still there afterwards.
    await stack.restart();
    const afterRestart = await stack.http<SurveyView>('GET', `/r/${token}`);
    expect(afterRestart.body.draft?.answers).toEqual({ nps: 4 });

    // A newer draft reaches Postgres within the sync interval, so losing Redis loses nothing.
    await stack.http('PUT', `/r/${token}/draft`, { answers: { nps: 5, reason: 'wait' } });
    await waitFor(
      () =>
        stack.sql<{ answers: Record<string, unknown> }>(
          'SELECT answers FROM session_draft WHERE session_id = $1',
          [sessionId],
          orgId,
        ),
      (rows) => rows[0]?.answers['nps'] === 5,
      { description: 'the draft in Postgres', timeoutMs: 10_000 },
    );
    expect(await stack.forgetRedis()).toBeGreaterThan(0);
    const afterLoss = await stack.http<SurveyView>('GET', `/r/${token}`);
    expect(afterLoss.body.draft?.answers).toEqual({ nps: 5, reason: 'wait' });
    // Saving works again after the loss (the session gate is rebuilt from Postgres).
    expect(
      (await stack.http('PUT', `/r/${token}/draft`, { answers: { nps: 5, reason: 'staff' } }))
        .status,
    ).toBe(200);

    const answers = { nps: 5, reason: 'staff', csat: 2, comment: 'Long wait' };
    const submitted = await stack.http<Record<string, string>>('POST', `/r/${token}/submit`, {
      answers,
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body['sessionId']).toBe(sessionId);
    expect(submitted.body['responseId']).toMatch(/^[0-9a-f-]{36}$/);

    const [event] = await waitFor(
      () => Promise.resolve(submittedEvents(sessionId)),
      (events) => events.length === 1,
      { description: 'survey.response.submitted' },
    );
    expect((event as CloudEvent<Record<string, unknown>>).data).toMatchObject({
      responseId: submitted.body['responseId'],
      sessionId,
      orgId,
      surveyId,
      surveyVersion: 1,
      answers,
      language: 'fr',
      externalAppointmentId: appointment.externalAppointmentId,
      site: 'geneva',
      provider: 'dr-favre',
      submittedAt: submitted.body['submittedAt'],
    });

    // The same answers again (keys in another order): the same answer, no second event.
    const again = await stack.http('POST', `/r/${token}/submit`, {
      answers: { comment: 'Long wait', csat: 2, reason: 'staff', nps: 5 },
    });
    expect(again).toEqual(submitted);
    const different = await stack.http<Problem>('POST', `/r/${token}/submit`, {
      answers: { nps: 10 },
    });
    expect(different.status).toBe(409);
    expect((await stack.http('PUT', `/r/${token}/draft`, { answers: { nps: 1 } })).status).toBe(
      409,
    );
    const closed = await stack.http<SurveyView>('GET', `/r/${token}`);
    expect(closed.body).toMatchObject({ status: 'submitted', draft: null });
    expect(submittedEvents(sessionId)).toHaveLength(1);
    const drafts = await stack.sql(
      'SELECT 1 FROM session_draft WHERE session_id = $1',
      [sessionId],
      orgId,
    );
    expect(drafts).toHaveLength(0);
  }, 90_000);

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an answer to a hidden question', { nps: 9, reason: 'wait' }, 'reason', /not shown/],
    ['an out-of-range rating', { nps: 9, csat: 7 }, 'csat', /outside the scale 1 to 5/],
    ['a missing required answer', { csat: 3 }, 'nps', /is required/],
    ['a required answer that logic shows', { nps: 3 }, 'reason', /is required/],
    ['an unknown choice', { nps: 3, reason: 'parking' }, 'reason', /not one of the choices/],
  ])(
    'should refuse %s with 422 naming the question',
    async (_case, answers, questionId, message) => {
      const { token, sessionId } = await stack.openSession(orgId);
      const result = await stack.http<Problem>('POST', `/r/${token}/submit`, { answers });
      expect(result.status).toBe(422);
      expect(result.body.detail).toContain(questionId);
      const named = (result.body.errors ?? []).filter(
        (error) => error.field === `answers.${questionId}`,
      );
      expect(named.map((error) => error.message)).toEqual([
        expect.stringMatching(message) as string,
      ]);
      // Nothing was written: a valid submission afterwards still succeeds.
      expect((await stack.http('POST', `/r/${token}/submit`, { answers: { nps: 9 } })).status).toBe(
        201,
      );
      await waitFor(
        () => Promise.resolve(submittedEvents(sessionId)),
        (events) => events.length === 1,
        { description: 'one response event' },
      );
    },
  );

  it.each<[string, unknown]>([
    ['no answers', {}],
    ['answers that are a list', { answers: [1, 2] }],
    ['answers that are text', { answers: 'nps=9' }],
    ['an unknown field', { answers: { nps: 9 }, score: 9 }],
    ['broken JSON', '{"answers": {'],
  ])('should refuse a body with %s as 400', async (_case, body) => {
    const { token } = await stack.openSession(orgId);
    for (const path of [`/r/${token}/submit`, `/r/${token}/draft`]) {
      const result = await stack.http<Problem>(path.endsWith('draft') ? 'PUT' : 'POST', path, body);
      expect(result.status).toBe(400);
    }
  });

  it('should answer 404 with no detail to a tampered, expired, unknown or malformed token', async () => {
    const { token, sessionId } = await stack.openSession(orgId);
    const tokens = stack.tokens();
    const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
    const expired = tokens.issue({
      orgId,
      sessionId,
      expiresAt: new Date(Date.now() - 1_000),
    }).token;
    const unknownSession = tokens.issue({
      orgId,
      sessionId: newUuid(),
      expiresAt: new Date(Date.now() + 3_600_000),
    }).token;
    // Right session and key, but not the nonce the session was issued with (a replaced link).
    const replaced = tokens.issue({
      orgId,
      sessionId,
      expiresAt: new Date(Date.now() + 3_600_000),
    }).token;
    const answers = { answers: { nps: 9 } };
    const bodies: Problem[] = [];
    for (const candidate of [flipped, expired, unknownSession, replaced, 'nonsense']) {
      for (const [method, path, body] of [
        ['GET', `/r/${candidate}`, undefined],
        ['PUT', `/r/${candidate}/draft`, answers],
        ['POST', `/r/${candidate}/submit`, answers],
        ['POST', `/r/${candidate}/opt-out`, undefined],
      ] as const) {
        const result = await stack.http<Problem>(method, path, body);
        expect({ candidate, path: path.slice(-7), status: result.status }).toMatchObject({
          status: 404,
        });
        bodies.push(result.body);
      }
    }
    expect(new Set(bodies.map((body) => body.detail))).toEqual(
      new Set(['No survey is available at this link']),
    );
    expect((await stack.http('GET', `/r/${token}`)).status).toBe(200);
  });

  it('should judge each of many concurrent submissions alone though they are written together', async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, () => stack.openSession(orgId)));
    const [twiceSame, twiceDifferent, invalid, replaced, ...plain] = sessions;
    const replacedToken = stack.tokens().issue({
      orgId,
      sessionId: replaced!.sessionId,
      expiresAt: new Date(Date.now() + 3_600_000),
    }).token;
    const submit = (token: string, answers: Record<string, unknown>) =>
      stack.http<Record<string, string>>('POST', `/r/${token}/submit`, { answers });

    const [sameA, sameB, differentA, differentB, refused, notFound, ...accepted] =
      await Promise.all([
        submit(twiceSame!.token, { nps: 9 }),
        submit(twiceSame!.token, { nps: 9 }),
        submit(twiceDifferent!.token, { nps: 9 }),
        submit(twiceDifferent!.token, { nps: 10 }),
        submit(invalid!.token, { nps: 9, csat: 7 }),
        submit(replacedToken, { nps: 9 }),
        ...plain.map((session, index) => submit(session.token, { nps: 7 + (index % 4) })),
      ]);

    expect(accepted.map((result) => result.status)).toEqual(plain.map(() => 201));
    expect(new Set(accepted.map((result) => result.body['responseId'])).size).toBe(plain.length);
    expect([sameA.status, sameB.status]).toEqual([201, 201]);
    expect(sameB.body['responseId']).toBe(sameA.body['responseId']);
    expect([differentA.status, differentB.status].sort()).toEqual([201, 409]);
    expect(refused.status).toBe(422);
    expect(notFound.status).toBe(404);

    const answered = [...plain, twiceSame!, twiceDifferent!];
    await waitFor(
      () => Promise.resolve(answered.map((session) => submittedEvents(session.sessionId).length)),
      (counts) => counts.every((count) => count === 1),
      { description: 'one survey.response.submitted per answered session' },
    );
    for (const session of [invalid!, replaced!])
      expect(submittedEvents(session.sessionId)).toHaveLength(0);
    const responses = await stack.sql<{ session_id: string; answers: Record<string, unknown> }>(
      'SELECT session_id, answers FROM survey_response WHERE session_id = ANY($1::uuid[])',
      [sessions.map((session) => session.sessionId)],
      orgId,
    );
    expect(responses).toHaveLength(answered.length);
    const answersOf = new Map(responses.map((row) => [row.session_id, row.answers]));
    plain.forEach((session, index) =>
      expect(answersOf.get(session.sessionId)).toEqual({ nps: 7 + (index % 4) }),
    );
  });

  it('should opt the patient out once, audited as the patient', async () => {
    const { token, sessionId } = await stack.openSession(orgId);
    expect((await stack.http('POST', `/r/${token}/opt-out`)).body).toEqual({ optedOut: true });
    expect((await stack.http('POST', `/r/${token}/opt-out`)).status).toBe(200);
    const rows = await stack.sql<{ contact_kind: string }>(
      'SELECT contact_kind FROM opt_out WHERE session_id = $1 ORDER BY contact_kind',
      [sessionId],
      orgId,
    );
    expect(rows.map((row) => row.contact_kind)).toEqual(['email', 'patient', 'phone']);
    const audits = await waitFor(
      () =>
        Promise.resolve(
          stack.published.filter(
            (event) =>
              event.type === 'audit.logged' && event.data['action'] === 'patient.opted_out',
          ),
        ),
      (events) => events.some((event) => (event.data['target'] as { id: string }).id === sessionId),
      { description: 'the opt-out audit entry' },
    );
    const mine = audits.filter(
      (event) => (event.data['target'] as { id: string }).id === sessionId,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]?.data).toMatchObject({ actorType: 'patient', actorId: sessionId });
  });
});
