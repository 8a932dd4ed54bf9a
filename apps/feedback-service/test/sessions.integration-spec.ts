import { newUuid, waitFor } from '@careloop/testing';
import { SessionsTestStack } from './support/sessions-test-stack';

describe('feedback sessions from appointment.completed', () => {
  let stack: SessionsTestStack;

  beforeAll(async () => {
    stack = await SessionsTestStack.start();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('should create a session within 1 s and publish feedback.session.created for the invitation', async () => {
    const orgId = await stack.organization({ invitationDelayMinutes: 30 });
    const survey = await stack.publishSurvey(orgId);
    const appointment = stack.appointment(orgId);

    const started = Date.now();
    await stack.completeAppointment(appointment);
    const [row] = await waitFor(
      () =>
        stack.sql<Record<string, unknown>>(
          'SELECT * FROM feedback_session WHERE external_appointment_id = $1',
          [appointment.externalAppointmentId],
          orgId,
        ),
      (rows) => rows.length === 1,
      { timeoutMs: 10_000, description: 'the session' },
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(row).toMatchObject({ status: 'open', survey_id: survey.surveyId, channel: 'email' });
    // Contact data is sealed at rest (AES-256-GCM with the key id inside) and indexed blindly.
    expect(String(row?.['email_sealed'])).toMatch(/^v1:k1:/);
    expect(String(row?.['name_sealed'])).not.toContain('Zoë');
    expect(String(row?.['email_index'])).toMatch(/^[\w-]{43}$/);

    const [event] = await stack.sessionEventFor(appointment.externalAppointmentId);
    expect(event?.type).toBe('feedback.session.created');
    expect(event?.subject).toBe(row?.['session_id']);
    const data = event?.data ?? {};
    expect(data).toMatchObject({
      sessionId: row?.['session_id'],
      orgId,
      surveyId: survey.surveyId,
      surveyVersion: 1,
      channel: 'email',
      recipient: { name: 'Zoë Müller', email: appointment.patient.email },
      language: 'fr',
      timezone: 'Europe/Zurich',
      site: 'geneva',
      provider: 'dr-favre',
    });
    expect(data['recipient']).not.toHaveProperty('phone');
    expect(String(data['respondentUrl'])).toMatch(/^http:\/\/careloop\.test\/respond\/t1\./);
    const ended = Date.parse(appointment.appointment.endedAt);
    expect(Date.parse(String(data['sendAt']))).toBe(ended + 30 * 60_000);
    expect(Date.parse(String(data['expiresAt'])) - Date.parse(String(data['sendAt']))).toBe(
      72 * 3_600_000,
    );
  });

  it('should keep one session when the same appointment arrives twice', async () => {
    const orgId = await stack.organization();
    await stack.publishSurvey(orgId);
    const appointment = stack.appointment(orgId);
    const first = await stack.completeAppointment(appointment);
    // A redelivery of the same event, and a resend under a new event id (the other intake path).
    await stack.completeAppointment(appointment, first.id);
    await stack.completeAppointment(appointment, newUuid());

    const events = await stack.sessionEventFor(appointment.externalAppointmentId, 2);
    // Two topics: Kafka orders each, not the two together, so they are matched by type.
    expect(events.map((event) => event.type).sort()).toEqual([
      'feedback.session.created',
      'feedback.session.skipped',
    ]);
    const created = events.find((event) => event.type === 'feedback.session.created');
    const skipped = events.find((event) => event.type === 'feedback.session.skipped');
    expect(skipped?.data).toMatchObject({
      reason: 'duplicate',
      sessionId: created?.data['sessionId'],
    });
    const rows = await stack.sql(
      'SELECT session_id FROM feedback_session WHERE external_appointment_id = $1',
      [appointment.externalAppointmentId],
      orgId,
    );
    expect(rows).toHaveLength(1);
  });

  it('should skip an opted-out patient with the reason, whatever contact names them', async () => {
    const orgId = await stack.organization();
    await stack.publishSurvey(orgId);
    const first = await stack.openSession(orgId);
    expect((await stack.http('POST', `/r/${first.token}/opt-out`)).status).toBe(200);

    // The same person on a later appointment, known by email only this time.
    const later = stack.appointment(orgId, {
      patient: {
        externalId: `other-${newUuid()}`,
        email: first.appointment.patient.email?.toUpperCase(),
      },
    });
    await stack.completeAppointment(later);
    const [event] = await stack.sessionEventFor(later.externalAppointmentId);
    expect(event?.type).toBe('feedback.session.skipped');
    expect(event?.data['reason']).toBe('opted_out');
    const [row] = await stack.sql<{ status: string; skip_reason: string; email_sealed: null }>(
      'SELECT status, skip_reason, email_sealed FROM feedback_session WHERE external_appointment_id = $1',
      [later.externalAppointmentId],
      orgId,
    );
    expect(row).toEqual({ status: 'skipped', skip_reason: 'opted_out', email_sealed: null });
  });

  it('should move send_at out of quiet hours in the org time zone', async () => {
    // Quiet hours around now in UTC, from an hour ago to two hours ahead (may span midnight).
    const now = new Date();
    const clock = (date: Date) => date.toISOString().slice(11, 16);
    const quietEnd = new Date(now.getTime() + 2 * 3_600_000);
    const orgId = await stack.organization({
      timezone: 'UTC',
      invitationDelayMinutes: 0,
      quietHours: { start: clock(new Date(now.getTime() - 3_600_000)), end: clock(quietEnd) },
    });
    await stack.publishSurvey(orgId);
    const appointment = stack.appointment(orgId);
    appointment.appointment.timezone = undefined;
    await stack.completeAppointment(appointment);
    const [event] = await stack.sessionEventFor(appointment.externalAppointmentId);
    expect(event?.type).toBe('feedback.session.created');
    const expected = new Date(quietEnd);
    expected.setUTCSeconds(0, 0);
    expect(event?.data['sendAt']).toBe(expected.toISOString());
    expect(event?.data['timezone']).toBe('UTC');
  });

  it.each([
    ['no_matching_rule', { sites: ['lausanne'] }, 100, {}],
    ['not_sampled', {}, 0, {}],
    ['no_contact', {}, 100, { email: undefined, phone: undefined }],
  ])('should skip with reason %s', async (reason, match, samplingPercent, patientChanges) => {
    const orgId = await stack.organization();
    await stack.publishSurvey(orgId, {
      distributionRules: [
        { ruleId: newUuid(), priority: 1, match, samplingPercent, channels: ['email', 'sms'] },
      ],
    });
    const appointment = stack.appointment(orgId);
    const patient = { ...appointment.patient, ...patientChanges };
    if (!patient.email) delete patient.email;
    if (!patient.phone) delete patient.phone;
    appointment.patient = patient;
    await stack.completeAppointment(appointment);
    const [event] = await stack.sessionEventFor(appointment.externalAppointmentId);
    expect(event?.type).toBe('feedback.session.skipped');
    expect(event?.data['reason']).toBe(reason);
  });

  it('should suppress a patient surveyed within the suppression window', async () => {
    const orgId = await stack.organization({ resurveySuppressionDays: 30 });
    await stack.publishSurvey(orgId);
    const first = await stack.openSession(orgId);
    const again = stack.appointment(orgId, {
      patient: { ...first.appointment.patient },
    });
    await stack.completeAppointment(again);
    const [event] = await stack.sessionEventFor(again.externalAppointmentId);
    expect(event?.data).toMatchObject({ reason: 'suppressed' });
  });

  it('should send by SMS when email is not enabled for the org', async () => {
    const orgId = await stack.organization({ enabledChannels: ['sms'] });
    await stack.publishSurvey(orgId);
    const appointment = stack.appointment(orgId);
    await stack.completeAppointment(appointment);
    const [event] = await stack.sessionEventFor(appointment.externalAppointmentId);
    expect(event?.data).toMatchObject({
      channel: 'sms',
      recipient: { name: 'Zoë Müller', phone: '+41791234567' },
    });
  });

  it('should stop inviting for an archived survey and keep the highest settings revision', async () => {
    const orgId = await stack.organization();
    const survey = await stack.publishSurvey(orgId);
    await stack.publish(
      'survey.archived',
      {
        surveyId: survey.surveyId,
        orgId,
        lastPublishedVersion: 1,
        archivedBy: newUuid(),
        archivedAt: new Date().toISOString(),
      },
      { orgId, subject: survey.surveyId },
    );
    await waitFor(
      () =>
        stack.sql<{ archived_through_version: number }>(
          'SELECT archived_through_version FROM survey_distribution WHERE survey_id = $1',
          [survey.surveyId],
          orgId,
        ),
      (rows) => rows[0]?.archived_through_version === 1,
      { description: 'archived survey' },
    );
    const appointment = stack.appointment(orgId);
    await stack.completeAppointment(appointment);
    const [event] = await stack.sessionEventFor(appointment.externalAppointmentId);
    expect(event?.data['reason']).toBe('no_matching_rule');

    const settings = (delay: number) => ({
      timezone: 'UTC',
      defaultLanguage: 'en',
      languages: ['en'],
      invitationDelayMinutes: delay,
      quietHours: { start: '00:00', end: '00:00' },
      reminder: { enabled: false, afterHours: 24 },
      sessionLifetimeHours: 72,
      enabledChannels: ['email' as const],
      resurveySuppressionDays: 0,
      branding: { primaryColor: '#0b6e4f' },
      alertRecipients: [],
      mfaRequired: false,
    });
    const update = (revision: number, delay: number) =>
      stack.publish(
        'org.settings.updated',
        {
          orgId,
          revision,
          settings: settings(delay),
          updatedBy: newUuid(),
          updatedAt: new Date().toISOString(),
        },
        { orgId, subject: orgId },
      );
    await update(3, 45);
    await update(2, 15);
    await waitFor(
      () =>
        stack.sql<{ revision: number; delay: number }>(
          `SELECT revision, (settings->>'invitationDelayMinutes')::int AS delay FROM org_settings WHERE org_id = $1`,
          [orgId],
          orgId,
        ),
      (rows) => rows[0]?.revision === 3,
      { description: 'settings revision 3' },
    );
    // Revision 2 arrived after 3 on the same partition: give it time, then check it changed nothing.
    await waitFor(
      () =>
        stack.sql<{ count: string }>(
          `SELECT count(*) FROM inbox_message WHERE event_type = 'org.settings.updated'`,
          [],
          orgId,
        ),
      (rows) => Number(rows[0]?.count) >= 2,
      { description: 'both updates consumed' },
    );
    const [row] = await stack.sql<{ delay: number }>(
      `SELECT (settings->>'invitationDelayMinutes')::int AS delay FROM org_settings WHERE org_id = $1`,
      [orgId],
      orgId,
    );
    expect(row?.delay).toBe(45);
  });
});
