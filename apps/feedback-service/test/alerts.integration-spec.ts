import type { SurveyResponseSubmittedV1 } from '@careloop/contracts';
import { newUuid, waitFor } from '@careloop/testing';
import { StaffTestStack } from './support/staff-test-stack';

describe('alert rules and feedback.alert.raised', () => {
  let stack: StaffTestStack;

  beforeAll(async () => {
    stack = await StaffTestStack.start(['feedback.alert.raised', 'audit.logged']);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const detractor = {
    name: 'Detractor',
    severity: 'high',
    condition: { type: 'score', questionKind: 'nps', operator: 'lte', value: 6 },
  };

  function submitted(
    orgId: string,
    surveyId: string,
    answers: Record<string, unknown>,
  ): SurveyResponseSubmittedV1 {
    return {
      responseId: newUuid(),
      sessionId: newUuid(),
      orgId,
      surveyId,
      surveyVersion: 1,
      answers,
      submittedAt: new Date().toISOString(),
      language: 'en',
      externalAppointmentId: 'apt-1',
      site: 'geneva',
      provider: 'dr-favre',
    };
  }

  /** Publishes a response as feedback-service would, keyed by its session. */
  function publishResponse(response: SurveyResponseSubmittedV1) {
    return stack.sessions.publish('survey.response.submitted', response, {
      orgId: response.orgId,
      subject: response.sessionId,
    });
  }

  /** Waits until an alert was raised for this response. */
  function alertRaisedFor(response: SurveyResponseSubmittedV1) {
    return stack.awaitEvents(
      'feedback.alert.raised',
      response.orgId,
      (alert) => alert.data['responseId'] === response.responseId,
    );
  }

  it('should raise one alert for an NPS of 3, even when the response is delivered again', async () => {
    const orgId = await stack.sessions.organization({
      alertRecipients: ['quality@clinic.example.org'],
    });
    const survey = await stack.sessions.publishSurvey(orgId);
    const admin = await stack.token(orgId, ['org_admin']);
    const created = await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: detractor,
    });
    expect(created.status).toBe(201);
    const keyword = await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: {
        name: 'Rude',
        severity: 'medium',
        condition: { type: 'keyword', keywords: ['rude'] },
      },
    });
    expect(keyword.status).toBe(201);

    const response = submitted(orgId, survey.surveyId, {
      nps: 3,
      reason: 'staff',
      comment: 'Rude desk, call me on +41 79 123 45 67',
    });
    const event = await stack.sessions.publish('survey.response.submitted', response, {
      orgId,
      subject: response.sessionId,
    });
    // The same event again (a redelivery), and the same response under a new event id (a replay).
    await stack.sessions.publish('survey.response.submitted', response, {
      orgId,
      subject: response.sessionId,
      id: event.id,
    });
    await stack.sessions.publish('survey.response.submitted', response, {
      orgId,
      subject: response.sessionId,
      id: newUuid(),
    });
    const alerts = await stack.awaitEvents('feedback.alert.raised', orgId, () => true, 2);
    // A later, unrelated response proves the redeliveries above were consumed before we count.
    const later = submitted(orgId, survey.surveyId, { nps: 1 });
    await publishResponse(later);
    await alertRaisedFor(later);

    const forResponse = stack
      .eventsOf('feedback.alert.raised', orgId)
      .filter((alert) => alert.data['responseId'] === response.responseId);
    expect(forResponse).toHaveLength(2);
    const nps = alerts.find((alert) => alert.data['ruleName'] === 'Detractor');
    expect(nps?.data).toMatchObject({
      orgId,
      sessionId: response.sessionId,
      responseId: response.responseId,
      surveyId: survey.surveyId,
      surveyVersion: 1,
      ruleId: created.body['ruleId'],
      severity: 'high',
      triggers: [{ questionId: 'nps', value: 3 }],
      notifyEmails: ['quality@clinic.example.org'],
      site: 'geneva',
      provider: 'dr-favre',
    });
    expect(nps?.subject).toBe(nps?.data['alertId']);
    const rude = alerts.find((alert) => alert.data['ruleName'] === 'Rude');
    expect(rude?.data['severity']).toBe('medium');
    expect(JSON.stringify(rude?.data['triggers'])).toContain('Rude desk');
    expect(JSON.stringify(rude?.data['triggers'])).not.toContain('123 45');

    const rows = await stack.sessions.sql(
      'SELECT rule_id FROM feedback_alert WHERE response_id = $1',
      [response.responseId],
      orgId,
    );
    expect(rows).toHaveLength(2);
  });

  it('should raise nothing for a promoter or a disabled rule, and claim no event it leaves alone', async () => {
    const orgId = await stack.sessions.organization();
    const survey = await stack.sessions.publishSurvey(orgId);
    const admin = await stack.token(orgId, ['org_admin']);
    await stack.request('POST', '/api/feedback/alert-rules', { token: admin, body: detractor });
    await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: {
        ...detractor,
        name: 'Off',
        enabled: false,
        condition: { ...detractor.condition, value: 10 },
      },
    });
    const promoter = submitted(orgId, survey.surveyId, { nps: 9 });
    // One session, so one key and one partition: once the second has raised its alert, the first
    // was consumed (a patient's session has one response; the alerts consumer does not mind).
    const low = { ...submitted(orgId, survey.surveyId, { nps: 2 }), sessionId: promoter.sessionId };
    const events = [];
    for (const response of [promoter, low]) {
      events.push(
        await stack.sessions.publish('survey.response.submitted', response, {
          orgId,
          subject: low.sessionId,
        }),
      );
    }
    await stack.awaitEvents(
      'feedback.alert.raised',
      orgId,
      (alert) => alert.data['responseId'] === low.responseId,
    );
    expect(
      stack
        .eventsOf('feedback.alert.raised', orgId)
        .map((alert) => [alert.data['responseId'], alert.data['ruleName']]),
    ).toEqual([[low.responseId, 'Detractor']]);
    // The promoter fired nothing, so it was screened out before any transaction: nothing to claim.
    const claims = await stack.sessions.sql(
      'SELECT event_id::text AS event_id FROM inbox_message WHERE consumer = $1 AND event_id = ANY($2::uuid[])',
      ['alerts', events.map((event) => event.id)],
      orgId,
    );
    expect(claims).toEqual([{ event_id: events[1]!.id }]);
  });

  it('should apply a rule to the very next response once it is saved, on a screen cached before it', async () => {
    const orgId = await stack.sessions.organization();
    const survey = await stack.sessions.publishSurvey(orgId);
    const admin = await stack.token(orgId, ['org_admin']);
    await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: {
        name: 'Rude',
        severity: 'medium',
        condition: { type: 'keyword', keywords: ['rude'] },
      },
    });
    // This response fills the in-process rule cache with the keyword rule alone.
    const first = submitted(orgId, survey.surveyId, { nps: 2, comment: 'rude' });
    await publishResponse(first);
    await alertRaisedFor(first);

    const created = await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: detractor,
    });
    expect(created.status).toBe(201);
    const second = submitted(orgId, survey.surveyId, { nps: 2 });
    await publishResponse(second);
    // Well inside the cache's 30 s lifetime: only the invalidation can make the new rule count.
    const [alert] = await waitFor(
      () =>
        Promise.resolve(
          stack
            .eventsOf('feedback.alert.raised', orgId)
            .filter((event) => event.data['responseId'] === second.responseId),
        ),
      (alerts) => alerts.length > 0,
      { description: 'the new rule applied to the next response', timeoutMs: 10_000 },
    );
    expect(alert?.data['ruleName']).toBe('Detractor');
  }, 30_000);

  describe('staff CRUD', () => {
    it('should create, read, list with a cursor, replace and delete rules, and audit each write', async () => {
      const orgId = await stack.sessions.organization();
      const survey = await stack.sessions.publishSurvey(orgId);
      const admin = await stack.token(orgId, ['org_admin']);
      const viewer = await stack.token(orgId, ['viewer']);
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three']) {
        const created = await stack.request('POST', '/api/feedback/alert-rules', {
          token: admin,
          body: {
            name,
            severity: 'low',
            surveyId: survey.surveyId,
            condition: { type: 'choice', questionId: 'reason', choices: ['staff'] },
          },
        });
        expect(created.status).toBe(201);
        ids.push(String(created.body['ruleId']));
      }
      const first = await stack.request<{ items: { ruleId: string }[]; nextCursor: string }>(
        'GET',
        '/api/feedback/alert-rules?limit=2',
        { token: viewer },
      );
      expect(first.status).toBe(200);
      expect(first.body.items.map((rule) => rule.ruleId)).toEqual(ids.slice(0, 2));
      const second = await stack.request<{
        items: { ruleId: string }[];
        nextCursor: string | null;
      }>('GET', `/api/feedback/alert-rules?limit=2&cursor=${first.body.nextCursor}`, {
        token: viewer,
      });
      expect(second.body.items.map((rule) => rule.ruleId)).toEqual(ids.slice(2));
      expect(second.body.nextCursor).toBeNull();

      const replaced = await stack.request('PUT', `/api/feedback/alert-rules/${ids[0]}`, {
        token: admin,
        body: detractor,
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ name: 'Detractor', surveyId: null, enabled: true });
      expect(
        (await stack.request('GET', `/api/feedback/alert-rules/${ids[0]}`, { token: viewer })).body,
      ).toMatchObject({
        condition: detractor.condition,
      });
      expect(
        (await stack.request('DELETE', `/api/feedback/alert-rules/${ids[1]}`, { token: admin }))
          .status,
      ).toBe(204);
      expect(
        (await stack.request('GET', `/api/feedback/alert-rules/${ids[1]}`, { token: viewer }))
          .status,
      ).toBe(404);

      const audits = await stack.awaitEvents(
        'audit.logged',
        orgId,
        (event) => String(event.data['action']).startsWith('alert_rule.'),
        5,
      );
      expect(audits.map((event) => event.data['action']).sort()).toEqual([
        'alert_rule.created',
        'alert_rule.created',
        'alert_rule.created',
        'alert_rule.deleted',
        'alert_rule.updated',
      ]);
    });

    it('should let only org admins write, and keep other organizations out', async () => {
      const orgId = await stack.sessions.organization();
      const analyst = await stack.token(orgId, ['analyst']);
      const admin = await stack.token(orgId, ['org_admin']);
      expect(
        (
          await stack.request('POST', '/api/feedback/alert-rules', {
            token: analyst,
            body: detractor,
          })
        ).status,
      ).toBe(403);
      expect((await stack.request('GET', '/api/feedback/alert-rules')).status).toBe(401);
      const created = await stack.request('POST', '/api/feedback/alert-rules', {
        token: admin,
        body: detractor,
      });
      const otherAdmin = await stack.token(newUuid(), ['org_admin']);
      expect(
        (
          await stack.request(
            'GET',
            `/api/feedback/alert-rules/${String(created.body['ruleId'])}`,
            {
              token: otherAdmin,
            },
          )
        ).status,
      ).toBe(404);
      expect(
        (
          await stack.request(
            'DELETE',
            `/api/feedback/alert-rules/${String(created.body['ruleId'])}`,
            {
              token: otherAdmin,
            },
          )
        ).status,
      ).toBe(404);
    });

    it('should answer 400 per field for malformed rules', async () => {
      const admin = await stack.token(newUuid(), ['org_admin']);
      const cases: [unknown, string][] = [
        [{ ...detractor, severity: 'urgent' }, 'severity'],
        [{ ...detractor, name: '' }, 'name'],
        [{ ...detractor, condition: { type: 'mood' } }, 'condition.type'],
        [
          { ...detractor, condition: { type: 'score', questionKind: 'nps', value: 6 } },
          'condition.operator',
        ],
        [
          { ...detractor, condition: { type: 'score', operator: 'lte', value: 6 } },
          'condition.questionKind',
        ],
        [{ ...detractor, condition: { type: 'choice', choices: ['x'] } }, 'condition.questionId'],
        [{ ...detractor, condition: { type: 'keyword', keywords: [] } }, 'condition.keywords'],
        [{ ...detractor, surveyId: 'nope' }, 'surveyId'],
        [{ name: 'x', severity: 'low' }, 'condition'],
      ];
      for (const [body, field] of cases) {
        const result = await stack.request<{ errors: { field: string }[] }>(
          'POST',
          '/api/feedback/alert-rules',
          {
            token: admin,
            body,
          },
        );
        expect({ field, status: result.status }).toEqual({ field, status: 400 });
        expect(result.body.errors.map((error) => error.field)).toContain(field);
      }
      expect(
        (await stack.request('GET', '/api/feedback/alert-rules/not-a-uuid', { token: admin }))
          .status,
      ).toBe(400);
      expect(
        (await stack.request('GET', '/api/feedback/alert-rules?cursor=bogus', { token: admin }))
          .status,
      ).toBe(400);
    });

    it('should answer 422 for rules that could never match', async () => {
      const orgId = await stack.sessions.organization();
      const survey = await stack.sessions.publishSurvey(orgId);
      const admin = await stack.token(orgId, ['org_admin']);
      const cases: [unknown, string][] = [
        [
          { ...detractor, condition: { ...detractor.condition, questionKind: 'happiness' } },
          'condition.questionKind',
        ],
        [
          { ...detractor, condition: { ...detractor.condition, operator: 'gt', value: 10 } },
          'condition.value',
        ],
        [{ ...detractor, surveyId: newUuid() }, 'surveyId'],
        [
          {
            ...detractor,
            surveyId: survey.surveyId,
            condition: { type: 'choice', questionId: 'reason', choices: ['price'] },
          },
          'condition.choices',
        ],
        [
          {
            ...detractor,
            surveyId: survey.surveyId,
            condition: { type: 'keyword', questionId: 'nps', keywords: ['rude'] },
          },
          'condition.questionId',
        ],
      ];
      for (const [body, field] of cases) {
        const result = await stack.request<{ errors: { field: string }[] }>(
          'POST',
          '/api/feedback/alert-rules',
          {
            token: admin,
            body,
          },
        );
        expect({ field, status: result.status }).toEqual({ field, status: 422 });
        expect(result.body.errors.map((error) => error.field)).toEqual([field]);
      }
    });
  });
});
