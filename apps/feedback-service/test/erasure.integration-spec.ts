import { newUuid, waitFor } from '@careloop/testing';
import type { PeerService } from './support/peer-service';
import { startPeerService } from './support/peer-service';
import { StaffTestStack } from './support/staff-test-stack';

interface ErasureProgress {
  erasureId: string;
  status: 'pending' | 'done';
  sessionCount: number;
  completedAt: string | null;
  services: { service: string; status: string; erasedRecords: number | null }[];
}

describe('patient erasure across feedback-, notification- and analytics-service', () => {
  let stack: StaffTestStack;
  const peers: PeerService[] = [];

  beforeAll(async () => {
    stack = await StaffTestStack.start([
      'patient.erasure.requested',
      'patient.erasure.progressed',
      'audit.logged',
    ]);
    for (const name of ['notification-service', 'analytics-service']) {
      peers.push(await startPeerService(name, stack.sessions.topicPrefix));
    }
  }, 180_000);

  afterAll(async () => {
    for (const peer of peers) await peer.stop();
    await stack?.stop();
  }, 60_000);

  it("should erase the patient's data here, ask the other services, and show their progress until done", async () => {
    const orgId = await stack.sessions.organization();
    await stack.sessions.publishSurvey(orgId);
    const admin = await stack.token(orgId, ['org_admin']);
    await stack.request('POST', '/api/feedback/alert-rules', {
      token: admin,
      body: { name: 'Rude', severity: 'high', condition: { type: 'keyword', keywords: ['rude'] } },
    });
    const patient = { externalId: `mrn-${newUuid()}`, email: 'jeanne@example.org' };
    const first = await stack.sessions.openSession(
      orgId,
      stack.sessions.appointment(orgId, {
        patient: { ...patient, name: 'Jeanne Martin', phone: '+33612345678' },
      }),
    );
    const second = await stack.sessions.openSession(
      orgId,
      stack.sessions.appointment(orgId, { patient: { ...patient, name: 'Jeanne Martin' } }),
    );
    const bystander = await stack.sessions.openSession(orgId);
    expect(
      (
        await stack.sessions.http('POST', `/r/${first.token}/submit`, {
          answers: { nps: 3, reason: 'staff', comment: 'A rude nurse, call me on 0612345678' },
        })
      ).status,
    ).toBe(201);
    await stack.sessions.http('PUT', `/r/${second.token}/draft`, { answers: { nps: 8 } });
    await waitFor(
      () =>
        stack.sessions.sql(
          'SELECT 1 FROM session_draft WHERE session_id = $1',
          [second.sessionId],
          orgId,
        ),
      (rows) => rows.length === 1,
      { description: 'the draft synced to Postgres', timeoutMs: 30_000 },
    );
    await waitFor(
      () =>
        stack.sessions.sql(
          'SELECT 1 FROM feedback_alert WHERE session_id = $1',
          [first.sessionId],
          orgId,
        ),
      (rows) => rows.length === 1,
      { description: 'the alert on the comment', timeoutMs: 30_000 },
    );

    const analyst = await stack.token(orgId, ['analyst']);
    const body = { patientExternalId: patient.externalId };
    expect(
      (await stack.request('POST', '/api/feedback/erasures', { token: analyst, body })).status,
    ).toBe(403);
    expect(
      (
        await stack.request('POST', '/api/feedback/erasures', {
          token: admin,
          body: { patientExternalId: ' ' },
        })
      ).status,
    ).toBe(400);
    const accepted = await stack.request<{ erasureId: string; status: string }>(
      'POST',
      '/api/feedback/erasures',
      {
        token: admin,
        body,
      },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('pending');
    const { erasureId } = accepted.body;

    // Our own data is gone before the answer.
    const sessions = await stack.sessions.sql<Record<string, unknown>>(
      `SELECT session_id, name_sealed, email_sealed, phone_sealed, email_index, phone_index, patient_index
         FROM feedback_session WHERE session_id = ANY($1::uuid[])`,
      [[first.sessionId, second.sessionId, bystander.sessionId]],
      orgId,
    );
    for (const row of sessions.filter((session) => session['session_id'] !== bystander.sessionId)) {
      expect(row).toMatchObject({
        name_sealed: null,
        email_sealed: null,
        phone_sealed: null,
        email_index: null,
        phone_index: null,
      });
      expect(String(row['patient_index'])).toBe(`erased:${String(row['session_id'])}`);
    }
    const untouched = sessions.find((session) => session['session_id'] === bystander.sessionId);
    expect(untouched?.['email_sealed']).not.toBeNull();
    const [response] = await stack.sessions.sql<{ answers: Record<string, unknown> }>(
      'SELECT answers FROM survey_response WHERE session_id = $1',
      [first.sessionId],
      orgId,
    );
    expect(response?.answers).toEqual({ nps: 3, reason: 'staff' });
    const [alert] = await stack.sessions.sql<{ triggers: unknown }>(
      'SELECT triggers FROM feedback_alert WHERE session_id = $1',
      [first.sessionId],
      orgId,
    );
    expect(alert?.triggers).toEqual([{ questionId: 'comment', value: '[erased]' }]);
    expect(
      await stack.sessions.sql(
        'SELECT 1 FROM session_draft WHERE session_id = $1',
        [second.sessionId],
        orgId,
      ),
    ).toEqual([]);
    expect((await stack.sessions.http('GET', `/r/${second.token}`)).status).toBe(404);
    expect((await stack.sessions.http('GET', `/r/${bystander.token}`)).status).toBe(200);

    const [requested] = await stack.awaitEvents('patient.erasure.requested', orgId);
    expect(requested?.subject).toBe(erasureId);
    expect(requested?.data['sessionIds']).toEqual([first.sessionId, second.sessionId]);
    expect(requested?.data['contactBlindIndexes']).toHaveLength(2);
    expect(JSON.stringify(requested?.data)).not.toContain(patient.externalId);
    expect(JSON.stringify(requested?.data)).not.toContain('jeanne');

    const done = await waitFor(
      async () =>
        (
          await stack.request<ErasureProgress>('GET', `/api/feedback/erasures/${erasureId}`, {
            token: admin,
          })
        ).body,
      (progress) => progress.status === 'done',
      { description: 'every service reporting the erasure done', timeoutMs: 60_000 },
    );
    expect(done).toMatchObject({ erasureId, sessionCount: 2 });
    expect(done.completedAt).not.toBeNull();
    expect(done.services.map((service) => [service.service, service.status])).toEqual([
      ['analytics-service', 'done'],
      ['feedback-service', 'done'],
      ['notification-service', 'done'],
    ]);
    expect(
      done.services.find((service) => service.service === 'feedback-service')?.erasedRecords,
    ).toBeGreaterThan(0);
    // feedback-service consumed both reports; the test's own consumer of the topic may still be behind.
    const reports = await waitFor(
      () => Promise.resolve(stack.eventsOf('patient.erasure.progressed', orgId)),
      (events) => events.length >= 2,
      { description: 'both progress reports on the test consumer' },
    );
    expect(reports.map((event) => event.data['service']).sort()).toEqual([
      'analytics-service',
      'notification-service',
    ]);
    await stack.awaitEvents(
      'audit.logged',
      orgId,
      (event) => event.data['action'] === 'patient.erasure.requested',
    );

    const otherAdmin = await stack.token(newUuid(), ['org_admin']);
    expect(
      (await stack.request('GET', `/api/feedback/erasures/${erasureId}`, { token: otherAdmin }))
        .status,
    ).toBe(404);
    expect(
      (await stack.request('GET', `/api/feedback/erasures/${newUuid()}`, { token: admin })).status,
    ).toBe(404);
    expect((await stack.request('GET', '/api/feedback/erasures/x', { token: admin })).status).toBe(
      400,
    );
  });

  it('should complete a request for a patient nobody knows', async () => {
    const orgId = await stack.sessions.organization();
    const admin = await stack.token(orgId, ['org_admin']);
    const accepted = await stack.request<{ erasureId: string }>('POST', '/api/feedback/erasures', {
      token: admin,
      body: { patientExternalId: 'never-seen' },
    });
    expect(accepted.status).toBe(202);
    const done = await waitFor(
      async () =>
        (
          await stack.request<ErasureProgress>(
            'GET',
            `/api/feedback/erasures/${accepted.body.erasureId}`,
            { token: admin },
          )
        ).body,
      (progress) => progress.status === 'done',
      { description: 'an empty erasure completing', timeoutMs: 60_000 },
    );
    expect(done.sessionCount).toBe(0);
    expect(done.services.every((service) => service.erasedRecords === 0)).toBe(true);
  });
});
