import { Client } from 'pg';
import { uniqueSuffix, waitFor } from '@careloop/testing';
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

/** An ADT^A03 (discharge) as hospitals send it, one segment per line. */
function dischargeMessage(visitId: string): string {
  return [
    'MSH|^~\\&|EPIC|CLINIC|CARELOOP|CARELOOP|20261120093500+0000||ADT^A03^ADT_A03|MSG0001|P|2.5',
    'EVN|A03|20261120093500+0000',
    'PID|1||MRN5551^^^CLINIC^MR||Durand^Paul||19700101|M|||||^NET^Internet^paul.durand@example.org',
    `PV1|1|O|CARDIO^^^MAIN||||1234^Smith^Anna|||CAR|||||||||${visitId}||||||||||||||||||||||||20261120090000+0000|20261120093000+0000`,
  ].join('\r');
}

/**
 * Broken variants of good messages, as integrations really get them wrong: each must be refused
 * with a reason, never with a 500.
 */
function malformedVariants(): { label: string; contentType: string; body: string }[] {
  const fhir = (change: (encounter: Record<string, unknown>) => void, label: string) => {
    const encounter = finishedEncounter(`BAD-${uniqueSuffix()}`, 'bad@example.org');
    change(encounter);
    return {
      label: `FHIR ${label}`,
      contentType: 'application/fhir+json',
      body: JSON.stringify(encounter),
    };
  };
  const patientOf = (encounter: Record<string, unknown>) =>
    (encounter['contained'] as Record<string, unknown>[])[0]!;
  const variants = [
    fhir((e) => (e['status'] = 'in-progress'), 'status in-progress'),
    fhir((e) => (e['status'] = 'cancelled'), 'status cancelled'),
    fhir((e) => delete e['status'], 'without status'),
    fhir((e) => (e['resourceType'] = 'Observation'), 'not an Encounter'),
    fhir((e) => delete e['subject'], 'without subject'),
    fhir((e) => (e['subject'] = { reference: '#nobody' }), 'subject not contained'),
    fhir((e) => (e['subject'] = { reference: 'Patient/elsewhere' }), 'subject elsewhere'),
    fhir((e) => delete e['period'], 'without period'),
    fhir(
      (e) => ((e['period'] as Record<string, unknown>)['end'] = '2026-13-45T99:00:00Z'),
      'impossible end',
    ),
    fhir(
      (e) => ((e['period'] as Record<string, unknown>)['end'] = '2026-11-20'),
      'end without time',
    ),
    fhir((e) => ((e['period'] as Record<string, unknown>)['end'] = 12), 'numeric end'),
    fhir((e) => (e['contained'] = []), 'no contained patient'),
    fhir((e) => (e['contained'] = 'patient'), 'contained not a list'),
    fhir((e) => (patientOf(e)['resourceType'] = 'Practitioner'), 'practitioner as patient'),
    fhir((e) => (e['identifier'] = [{ value: 'x'.repeat(5_000) }]), 'identifier far too long'),
    fhir((e) => {
      e['patient'] = e['subject'];
      delete e['subject'];
    }, 'DSTU2 patient field'),
    fhir((e) => (e['class'] = 'AMB'), 'DSTU2 class string'),
  ];
  for (let length = 1; length <= 40; length += 1) {
    const whole = JSON.stringify(finishedEncounter(`CUT-${length}`, 'cut@example.org'));
    variants.push({
      label: `FHIR truncated to ${length * 13} characters`,
      contentType: 'application/fhir+json',
      body: whole.slice(0, length * 13),
    });
  }
  const hl7 = (change: (segments: string[]) => string[], label: string) => ({
    label: `HL7 ${label}`,
    contentType: 'x-application/hl7-v2+er7',
    body: change(dischargeMessage(`V-${uniqueSuffix()}`).split('\r')).join('\r'),
  });
  variants.push(
    hl7(
      (m) => [m[0]!.replace('ADT^A03^ADT_A03', 'ADT^A01^ADT_A01'), ...m.slice(1)],
      'admission, not discharge',
    ),
    hl7((m) => [m[0]!.replace('ADT^A03^ADT_A03', 'ORU^R01'), ...m.slice(1)], 'a lab result'),
    hl7((m) => [m[0]!.replace('|^~\\&|', '|^~|'), ...m.slice(1)], 'broken encoding characters'),
    hl7((m) => m.slice(1), 'without MSH'),
    hl7((m) => m.filter((line) => !line.startsWith('PV1')), 'without PV1'),
    hl7((m) => m.filter((line) => !line.startsWith('PID')), 'without PID'),
    hl7(
      (m) =>
        m.map((line) => (line.startsWith('PV1') ? line.replace(/\|V-[a-z0-9]+\|/, '||') : line)),
      'without visit id',
    ),
    hl7((m) => [m[0]!.replace('|ADT^A03^ADT_A03|', '||'), ...m.slice(1)], 'without message type'),
    hl7((m) => [m[0]!, 'this is not a segment', ...m.slice(1)], 'garbage line'),
    hl7(() => ['MSH|'], 'only a header start'),
    hl7(() => [''], 'empty'),
  );
  for (let length = 1; length <= 40; length += 1) {
    variants.push({
      label: `HL7 truncated to ${length * 6} characters`,
      contentType: 'x-application/hl7-v2+er7',
      body: dischargeMessage(`T-${length}`).slice(0, length * 6),
    });
  }
  return variants;
}

describe("the patient's path from a finished encounter to submitted answers, through the gateway", () => {
  let stack: CareLoopStack;
  let client: CareLoopClient;
  let tap: EventTap;

  /** A survey every completed appointment of the org gets, once feedback-service has taken it in. */
  const publishSurveyForEveryAppointment = async (token: string, title: string): Promise<void> => {
    const survey = await client.request<{ surveyId: string }>('POST', '/api/surveys', {
      token,
      body: { title, defaultLanguage: 'en', definition: surveyDefinition },
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
  };

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
    await publishSurveyForEveryAppointment(token, 'Twice');

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

  it('should refuse 100+ malformed FHIR and HL7 v2 messages with 400 and a reason each, never a 500', async () => {
    const admin = await client.signup({ organizationName: `Intake clinic ${uniqueSuffix()}` });
    await client.waitUntilOrgReadable(admin.orgId!, admin.accessToken);
    const sender = client.from('127.0.0.31');
    const variants = malformedVariants();
    expect(variants.length).toBeGreaterThanOrEqual(100);

    const findings: string[] = [];
    for (const variant of variants) {
      const path = variant.contentType.includes('hl7') ? '/api/intake/hl7v2' : '/api/intake/fhir';
      const response = await sender.request<{
        errors?: { message?: string }[];
        rejected?: { errors: { message: string; reason?: string }[] }[];
      }>('POST', path, {
        token: admin.accessToken,
        headers: { 'content-type': variant.contentType },
        body: variant.body,
      });
      const reasons = [
        ...(response.body?.errors ?? []).map((error) => error.message),
        ...(response.body?.rejected ?? []).flatMap((item) =>
          item.errors.map((error) => error.message),
        ),
      ].filter((message): message is string => typeof message === 'string' && message.length > 0);
      if (response.status !== 400 || reasons.length === 0) {
        findings.push(`${variant.label}: ${response.status} ${response.text.slice(0, 160)}`);
      }
    }
    expect(findings).toEqual([]);

    const good = await sender.request<{ accepted: unknown[] }>('POST', '/api/intake/hl7v2', {
      token: admin.accessToken,
      headers: { 'content-type': 'x-application/hl7-v2+er7' },
      body: dischargeMessage(`V-${uniqueSuffix()}`),
    });
    expect(good.status).toBe(202);
    expect(good.body.accepted).toHaveLength(1);
  });

  it('should skip an opted-out patient with the reason, and move an invitation out of quiet hours', async () => {
    const admin = await client.signup({ organizationName: `Quiet clinic ${uniqueSuffix()}` });
    const orgId = admin.orgId!;
    await client.waitUntilOrgReadable(orgId, admin.accessToken);
    const token = admin.accessToken;

    // Quiet from an hour ago to two hours from now (UTC, the org's time zone), no delay.
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const quietEnd = new Date(Date.now() + 2 * 3_600_000);
    const settings = await client.request<{ settings: Record<string, unknown> }>(
      'GET',
      `/api/orgs/${orgId}/settings`,
      { token },
    );
    const updated = await client.request<{ revision: number }>(
      'PUT',
      `/api/orgs/${orgId}/settings`,
      {
        token,
        body: {
          ...settings.body.settings,
          timezone: 'UTC',
          invitationDelayMinutes: 0,
          quietHours: { start: hhmm(new Date(Date.now() - 3_600_000)), end: hhmm(quietEnd) },
        },
      },
    );
    expect(updated.status).toBe(200);
    const feedbackDatabase = new Client({
      connectionString: stack.services['feedback-service']!.database.url,
    });
    await feedbackDatabase.connect();
    try {
      await waitFor(
        async () => {
          await feedbackDatabase.query('BEGIN');
          try {
            await feedbackDatabase.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
            const rows = await feedbackDatabase.query<{ revision: number }>(
              'SELECT revision FROM org_settings WHERE org_id = $1',
              [orgId],
            );
            return rows.rows[0]?.revision ?? -1;
          } finally {
            await feedbackDatabase.query('ROLLBACK');
          }
        },
        (revision) => revision >= updated.body.revision,
        { timeoutMs: 10_000, description: 'feedback-service to hold the new settings' },
      );
    } finally {
      await feedbackDatabase.end();
    }

    await publishSurveyForEveryAppointment(token, 'Quiet');

    const email = `quiet-${uniqueSuffix()}@example.org`;
    const firstAppointment = `APT-${uniqueSuffix()}`;
    await client.request('POST', '/api/intake/fhir', {
      token,
      headers: { 'content-type': 'application/fhir+json' },
      body: finishedEncounter(firstAppointment, email),
    });
    const created = await tap.waitFor(
      'feedback.session.created',
      (event) => event.data['externalAppointmentId'] === firstAppointment,
    );
    const sendAt = new Date(String(created.data['sendAt']));
    expect(sendAt.getTime()).toBeGreaterThanOrEqual(quietEnd.getTime() - 60_000);
    expect(hhmm(sendAt)).toBe(hhmm(quietEnd));

    const respondentToken = String(created.data['respondentUrl']).split('/').pop()!;
    const optOut = await client.request('POST', `/r/${respondentToken}/opt-out`);
    expect(optOut.status).toBe(200);

    // The same patient's next visit: no invitation, and the reason says why.
    const secondAppointment = `APT-${uniqueSuffix()}`;
    const second = finishedEncounter(secondAppointment, email);
    await client.request('POST', '/api/intake/fhir', {
      token,
      headers: { 'content-type': 'application/fhir+json' },
      body: second,
    });
    const skipped = await tap.waitFor(
      'feedback.session.skipped',
      (event) => event.data['externalAppointmentId'] === secondAppointment,
    );
    expect(skipped.data['reason']).toBe('opted_out');
  });
});
