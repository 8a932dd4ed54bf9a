import { newUuid, waitFor } from '@careloop/testing';
import { StaffTestStack } from './support/staff-test-stack';

interface Page<T = Record<string, unknown>> {
  items: T[];
  nextCursor: string | null;
}

describe('staff API: sessions, responses, CSV export, opt-outs, follow-up links', () => {
  let stack: StaffTestStack;

  beforeAll(async () => {
    stack = await StaffTestStack.start(['audit.logged']);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  async function organizationWithSessions(count: number) {
    const orgId = await stack.sessions.organization();
    const survey = await stack.sessions.publishSurvey(orgId);
    const sessions = [];
    for (let index = 0; index < count; index += 1) {
      sessions.push(await stack.sessions.openSession(orgId));
    }
    return { orgId, survey, sessions };
  }

  async function collect<T>(path: string, token: string, limit: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { status: number; body: Page<T> } = await stack.request<Page<T>>(
        'GET',
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('should page sessions newest first with a stable cursor and filter them', async () => {
    const { orgId, survey, sessions } = await organizationWithSessions(5);
    const viewer = await stack.token(orgId, ['viewer']);
    const [answered] = sessions;
    const submit = await stack.sessions.http('POST', `/r/${answered?.token}/submit`, {
      answers: { nps: 9 },
    });
    expect(submit.status).toBe(201);

    const all = await collect<{ sessionId: string; status: string }>(
      '/api/feedback/sessions',
      viewer,
      2,
    );
    expect(all.map((item) => item.sessionId)).toEqual(
      sessions.map((session) => session.sessionId).reverse(),
    );
    const submitted = await stack.request<Page>('GET', '/api/feedback/sessions?status=submitted', {
      token: viewer,
    });
    expect(submitted.body.items.map((item) => item['sessionId'])).toEqual([answered?.sessionId]);
    expect(submitted.body.items[0]).toMatchObject({
      status: 'submitted',
      surveyId: survey.surveyId,
      appointment: { site: 'geneva', provider: 'dr-favre' },
    });
    expect(submitted.body.items[0]).not.toHaveProperty('contact');
    const open = await stack.request<Page>(
      'GET',
      `/api/feedback/sessions?status=open&surveyId=${survey.surveyId}`,
      { token: viewer },
    );
    expect(open.body.items).toHaveLength(4);
    const byAppointment = await stack.request<Page>(
      'GET',
      `/api/feedback/sessions?externalAppointmentId=${sessions[2]?.appointment.externalAppointmentId}`,
      { token: viewer },
    );
    expect(byAppointment.body.items.map((item) => item['sessionId'])).toEqual([
      sessions[2]?.sessionId,
    ]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await stack.request<Page>('GET', `/api/feedback/sessions?from=${future}`, {
      token: viewer,
    });
    expect(none.body).toEqual({ items: [], nextCursor: null });

    const audits = await stack.awaitEvents(
      'audit.logged',
      orgId,
      (event) => event.data['action'] === 'patient_data.read',
    );
    expect(audits[0]?.data['metadata']).toHaveProperty('ids');
  });

  it('should show one session with its contact, answers and audit the read', async () => {
    const { orgId, sessions } = await organizationWithSessions(1);
    const session = sessions[0];
    if (!session) throw new Error('no session');
    await stack.sessions.http('POST', `/r/${session.token}/submit`, {
      answers: { nps: 4, reason: 'wait' },
    });
    const analyst = await stack.token(orgId, ['analyst']);
    const detail = await stack.request('GET', `/api/feedback/sessions/${session.sessionId}`, {
      token: analyst,
    });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      sessionId: session.sessionId,
      status: 'submitted',
      contact: {
        name: 'Zoë Müller',
        email: session.appointment.patient.email,
        phone: '+41791234567',
      },
      answers: { nps: 4, reason: 'wait' },
    });
    await stack.awaitEvents(
      'audit.logged',
      orgId,
      (event) =>
        event.data['action'] === 'patient_data.read' &&
        (event.data['target'] as { id: string }).id === session.sessionId,
    );

    const other = await stack.token(newUuid(), ['org_admin']);
    const editor = await stack.token(orgId, ['survey_editor']);
    const path = `/api/feedback/sessions/${session.sessionId}`;
    expect((await stack.request('GET', path, { token: other })).status).toBe(404);
    expect((await stack.request('GET', path, { token: editor })).status).toBe(403);
    expect((await stack.request('GET', path)).status).toBe(401);
    expect(
      (await stack.request('GET', '/api/feedback/sessions/nope', { token: analyst })).status,
    ).toBe(400);
    const badQueries = ['status=lost', 'from=yesterday', 'cursor=abc', 'limit=0', 'limit=500'];
    for (const query of badQueries) {
      const result = await stack.request('GET', `/api/feedback/sessions?${query}`, {
        token: analyst,
      });
      expect({ query, status: result.status }).toEqual({ query, status: 400 });
    }
  });

  it('should list responses with filters and export one version as safe CSV', async () => {
    const { orgId, survey, sessions } = await organizationWithSessions(3);
    const comments = ['=HYPERLINK("http://evil.example","x")', 'long wait, "really"', '@boss'];
    for (const [index, session] of sessions.entries()) {
      const result = await stack.sessions.http('POST', `/r/${session.token}/submit`, {
        answers: { nps: 7 + index, comment: comments[index] },
      });
      expect(result.status).toBe(201);
    }
    const analyst = await stack.token(orgId, ['analyst']);
    const responses = await collect<{ responseId: string; sessionId: string }>(
      `/api/feedback/responses?surveyId=${survey.surveyId}&version=1`,
      analyst,
      2,
    );
    expect(responses.map((response) => response.sessionId)).toEqual(
      sessions.map((session) => session.sessionId).reverse(),
    );
    const otherVersion = await stack.request<Page>('GET', '/api/feedback/responses?version=2', {
      token: analyst,
    });
    expect(otherVersion.body.items).toEqual([]);

    const exported = await stack.request(
      'GET',
      `/api/feedback/responses/export.csv?surveyId=${survey.surveyId}&version=1`,
      { token: analyst },
    );
    expect(exported.status).toBe(200);
    expect(exported.contentType).toContain('text/csv');
    const lines = exported.text.split('\r\n');
    expect(lines[0]).toBe(
      'response_id,session_id,external_appointment_id,submitted_at,language,site,provider,nps,csat,reason,comment',
    );
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[1]).toContain(`,7,,,"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(lines[2]).toContain(`,8,,,"long wait, ""really"""`);
    expect(lines[3]).toMatch(/,9,,,'@boss$/);
    expect(lines[1]?.startsWith(`${responses[2]?.responseId},`)).toBe(true);

    const missing = await stack.request('GET', '/api/feedback/responses/export.csv', {
      token: analyst,
    });
    expect(missing.status).toBe(400);
    const unknown = await stack.request(
      'GET',
      `/api/feedback/responses/export.csv?surveyId=${survey.surveyId}&version=9`,
      { token: analyst },
    );
    expect(unknown.status).toBe(404);
    await stack.awaitEvents(
      'audit.logged',
      orgId,
      (event) => event.data['action'] === 'patient_data.exported',
    );
  });

  it('should list opt-outs with masked contacts', async () => {
    const { orgId, sessions } = await organizationWithSessions(1);
    const session = sessions[0];
    if (!session) throw new Error('no session');
    expect((await stack.sessions.http('POST', `/r/${session.token}/opt-out`)).status).toBe(200);
    const viewer = await stack.token(orgId, ['viewer']);
    const optOuts = await collect<{ contactKind: string; maskedContact: string | null }>(
      '/api/feedback/opt-outs',
      viewer,
      1,
    );
    const email = session.appointment.patient.email ?? '';
    expect(optOuts.map((entry) => [entry.contactKind, entry.maskedContact]).sort()).toEqual([
      ['email', `z***${email.slice(email.indexOf('@'))}`],
      ['patient', null],
      ['phone', '+41*******67'],
    ]);
    expect(JSON.stringify(optOuts)).not.toContain(email);
  });

  it('should announce feedback.session.expired once per expiry of an unanswered link, saying whether a draft existed', async () => {
    const { orgId, survey, sessions } = await organizationWithSessions(3);
    const [drafted, silent, answered] = sessions;
    if (!drafted || !silent || !answered) throw new Error('no session');
    expect(
      (await stack.sessions.http('PUT', `/r/${drafted.token}/draft`, { answers: { nps: 4 } }))
        .status,
    ).toBe(200);
    await waitFor(
      () =>
        stack.sessions.sql(
          'SELECT 1 FROM session_draft WHERE session_id = $1',
          [drafted.sessionId],
          orgId,
        ),
      (rows) => rows.length === 1,
      { description: 'the draft synced to Postgres' },
    );
    expect(
      (await stack.sessions.http('POST', `/r/${answered.token}/submit`, { answers: { nps: 9 } }))
        .status,
    ).toBe(201);
    const ids = sessions.map((session) => session.sessionId);
    const expire = (sessionIds: string[]) =>
      stack.sessions.sql(
        `UPDATE feedback_session SET expires_at = now() - interval '1 second'
          WHERE session_id = ANY($1::uuid[]) RETURNING session_id`,
        [sessionIds],
        orgId,
      );
    expect(await expire(ids)).toHaveLength(3);

    const expiredOf = () =>
      Promise.resolve(
        stack.sessions.published.filter(
          (event) => event.type === 'feedback.session.expired' && event.data['orgId'] === orgId,
        ),
      );
    const announced = await waitFor(expiredOf, (events) => events.length >= 2, {
      description: 'two expiries announced',
      timeoutMs: 15_000,
    });
    expect(announced.map((event) => [event.subject, event.data['hadDraft']]).sort()).toEqual(
      [
        [drafted.sessionId, true],
        [silent.sessionId, false],
      ].sort(),
    );
    expect(announced.find((event) => event.subject === silent.sessionId)?.data).toMatchObject({
      sessionId: silent.sessionId,
      orgId,
      surveyId: survey.surveyId,
      surveyVersion: 1,
      externalAppointmentId: silent.appointment.externalAppointmentId,
    });
    // The answered session is marked too, so no sweep looks at it again, but announced to no one.
    await waitFor(
      () =>
        stack.sessions.sql(
          'SELECT session_id FROM feedback_session WHERE session_id = ANY($1::uuid[]) AND expiry_announced_at IS NOT NULL',
          [ids],
          orgId,
        ),
      (rows) => rows.length === 3,
      { description: 'every expired session marked' },
    );

    // A follow-up link is a new expiry: when it lapses too, it is announced again.
    const admin = await stack.token(orgId, ['org_admin']);
    const reissued = await stack.request(
      'POST',
      `/api/feedback/sessions/${silent.sessionId}/link`,
      {
        token: admin,
      },
    );
    expect(reissued.status).toBe(201);
    expect(await expire([silent.sessionId])).toHaveLength(1);
    await waitFor(expiredOf, (events) => events.length >= 3, {
      description: 'the reissued link expiry announced',
      timeoutMs: 15_000,
    });
    // Many sweeps have run meanwhile (every 300 ms): still one event per expiry.
    expect((await expiredOf()).map((event) => event.subject).sort()).toEqual(
      [drafted.sessionId, silent.sessionId, silent.sessionId].sort(),
    );
  }, 60_000);

  it('should issue a fresh follow-up link that replaces the old one, for org admins only', async () => {
    const { orgId, sessions } = await organizationWithSessions(2);
    const [session, answered] = sessions;
    if (!session || !answered) throw new Error('no session');
    expect((await stack.sessions.http('GET', `/r/${session.token}`)).status).toBe(200);
    expect(
      (await stack.sessions.http('PUT', `/r/${session.token}/draft`, { answers: { nps: 5 } }))
        .status,
    ).toBe(200);

    const admin = await stack.token(orgId, ['org_admin']);
    const analyst = await stack.token(orgId, ['analyst']);
    const path = `/api/feedback/sessions/${session.sessionId}/link`;
    expect((await stack.request('POST', path, { token: analyst })).status).toBe(403);
    const reissued = await stack.request<{ respondentUrl: string; expiresAt: string }>(
      'POST',
      path,
      { token: admin },
    );
    expect(reissued.status).toBe(201);
    const url = reissued.body.respondentUrl;
    expect(url).toMatch(/^http:\/\/careloop\.test\/respond\/t1\./);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(token).not.toBe(session.token);

    expect((await stack.sessions.http('GET', `/r/${session.token}`)).status).toBe(404);
    expect(
      (await stack.sessions.http('PUT', `/r/${session.token}/draft`, { answers: { nps: 1 } }))
        .status,
    ).toBe(404);
    const resumed = await stack.sessions.http<{ draft: { answers: unknown } }>(
      'GET',
      `/r/${token}`,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body.draft.answers).toEqual({ nps: 5 });
    expect(
      (await stack.sessions.http('PUT', `/r/${token}/draft`, { answers: { nps: 6 } })).status,
    ).toBe(200);
    await stack.awaitEvents(
      'audit.logged',
      orgId,
      (event) => event.data['action'] === 'session.link.reissued',
    );

    await stack.sessions.http('POST', `/r/${answered.token}/submit`, { answers: { nps: 10 } });
    expect(
      (
        await stack.request('POST', `/api/feedback/sessions/${answered.sessionId}/link`, {
          token: admin,
        })
      ).status,
    ).toBe(409);
    expect(
      (await stack.request('POST', `/api/feedback/sessions/${newUuid()}/link`, { token: admin }))
        .status,
    ).toBe(404);
  });
});
