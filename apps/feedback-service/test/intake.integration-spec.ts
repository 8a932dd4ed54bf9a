import { readFileSync } from 'node:fs';
import path from 'node:path';
import { intakeCorpusDirectory, newUuid, waitFor } from '@careloop/testing';
import { IntakeTestStack } from './support/intake-test-stack';

// @fastify/static 10 (added for Swagger UI assets) pulls content-disposition 3, an ES module jest's
// CommonJS runtime cannot load, so booting a service in-process would exit. The intake does not
// serve static files: stand the plugin in with a no-op until the jest config transforms it.
jest.mock('@fastify/static', () => {
  const plugin = (_instance: unknown, _options: unknown, done: () => void) => done();
  return { __esModule: true, default: plugin, fastifyStatic: plugin };
});

const corpus = intakeCorpusDirectory();
const corpusFile = (file: string): string => readFileSync(path.join(corpus, file), 'utf8');
const hl7Type = 'x-application/hl7-v2+er7';

function appointment(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalAppointmentId: id,
    patient: { externalId: `MRN-${id}`, name: 'Jeanne Martin', email: 'jeanne@example.org' },
    appointment: {
      type: 'consultation',
      startedAt: '2024-05-02T08:30:00+02:00',
      endedAt: '2024-05-02T09:00:00+02:00',
      timezone: 'Europe/Paris',
    },
    ...overrides,
  };
}

describe('appointment intake over HTTP', () => {
  let stack: IntakeTestStack;

  beforeAll(async () => {
    stack = await IntakeTestStack.start();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const eventsOf = (orgId: string) => stack.eventsOf('appointment.completed', orgId);

  it('should accept the good items of a batch, report the bad ones, and publish only the good', async () => {
    const orgId = newUuid();
    const token = await stack.clientToken(orgId);
    const response = await stack.post('/api/intake/appointments', {
      token,
      body: [
        appointment('A-1'),
        appointment('A-2', { patient: { externalId: 'P', email: 'nope' } }),
        appointment('A-3'),
        appointment('A-4', { orgId: newUuid() }),
        'not an object',
      ],
    });
    expect(response.status).toBe(202);
    const accepted = response.body['accepted'] as {
      index: number;
      externalId: string;
      eventId?: string;
    }[];
    expect(accepted.map(({ index, externalId }) => [index, externalId])).toEqual([
      [0, 'A-1'],
      [2, 'A-3'],
    ]);
    expect(accepted.every((item) => typeof item.eventId === 'string')).toBe(true);
    expect(response.body['rejected']).toEqual([
      {
        index: 1,
        externalId: 'A-2',
        errors: [expect.objectContaining({ field: 'patient.email' })],
      },
      {
        index: 3,
        externalId: 'A-4',
        errors: [expect.objectContaining({ field: 'orgId', reason: 'org-mismatch' })],
      },
      { index: 4, errors: [expect.objectContaining({ field: '', reason: 'invalid-field' })] },
    ]);
    await waitFor(
      () => stack.eventsOf('audit.logged', orgId),
      (events) => events.length === 1,
      {
        timeoutMs: 15_000,
        description: 'the audit entry of the call',
      },
    );
    await waitFor(
      () => eventsOf(orgId),
      (events) => events.length === 2,
      {
        timeoutMs: 15_000,
        description: 'the two good appointments on Kafka',
      },
    );
    expect(
      eventsOf(orgId)
        .map((event) => event.subject)
        .sort(),
    ).toEqual(['A-1', 'A-3']);
    expect(eventsOf(orgId)[0]?.data).toMatchObject({
      orgId,
      patient: { email: 'jeanne@example.org' },
    });
    const audit = stack.eventsOf('audit.logged', orgId)[0]?.data;
    expect(audit).toMatchObject({
      action: 'appointment.intake.received',
      target: { type: 'intake_batch' },
      actorType: 'integration',
      metadata: { format: 'native', items: 5, accepted: 2, duplicates: 0, rejected: 3 },
    });
  });

  it('should answer a second delivery of the same appointment as a duplicate without a second event', async () => {
    const orgId = newUuid();
    const token = await stack.clientToken(orgId);
    const first = await stack.post('/api/intake/appointments', {
      token,
      body: appointment('DUP-1'),
    });
    const second = await stack.post('/api/intake/appointments', {
      token,
      body: [appointment('DUP-1'), appointment('DUP-1')],
    });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body['accepted']).toEqual([
      { index: 0, externalId: 'DUP-1', duplicate: true },
      { index: 1, externalId: 'DUP-1', duplicate: true },
    ]);
    await waitFor(
      () => stack.eventsOf('audit.logged', orgId),
      (events) => events.length === 2,
      {
        timeoutMs: 15_000,
        description: 'both calls audited',
      },
    );
    await waitFor(
      () => eventsOf(orgId),
      (events) => events.length >= 1,
      { timeoutMs: 15_000, description: 'the event' },
    );
    expect(eventsOf(orgId)).toHaveLength(1);
    const rows = await stack.sql<{ count: string }>(
      `SELECT count(*) FROM appointment_intake WHERE org_id = $1`,
      [orgId],
    );
    // Row-level security: outside a tenant transaction the service's role sees no row at all.
    expect(rows[0]?.count).toBe('0');
  });

  it('should turn a FHIR Bundle with its Patient in the Bundle, and an Encounter with a contained Patient, into events', async () => {
    const orgId = newUuid();
    const token = await stack.clientToken(orgId);
    const bundle = await stack.post('/api/intake/fhir', {
      token,
      contentType: 'application/fhir+json',
      body: corpusFile('fhir/bundle_transaction_synthea2019_clemente_kreiger_zh.json'),
    });
    expect(bundle.status).toBe(202);
    expect((bundle.body['accepted'] as unknown[]).length).toBe(3);
    const contained = await stack.post('/api/intake/fhir', {
      token,
      body: {
        resourceType: 'Encounter',
        identifier: [{ value: 'ENC-CONTAINED-1' }],
        status: 'finished',
        class: { code: 'AMB' },
        subject: { reference: '#p' },
        period: { start: '2024-05-01T09:00:00+02:00', end: '2024-05-01T09:30:00+02:00' },
        contained: [
          {
            resourceType: 'Patient',
            id: 'p',
            identifier: [{ value: 'MRN-9' }],
            telecom: [{ system: 'phone', value: '+41 79 123 45 67', use: 'mobile' }],
          },
        ],
      },
    });
    expect(contained.status).toBe(202);
    await waitFor(
      () => eventsOf(orgId),
      (events) => events.length === 4,
      { timeoutMs: 15_000, description: 'four events' },
    );
    expect(
      eventsOf(orgId).find((event) => event.subject === 'ENC-CONTAINED-1')?.data,
    ).toMatchObject({
      patient: { externalId: 'MRN-9', phone: '+41791234567' },
      appointment: { type: 'AMB', endedAt: '2024-05-01T09:30:00+02:00' },
    });
    const inProgress = await stack.post('/api/intake/fhir', {
      token,
      contentType: 'application/fhir+json',
      body: corpusFile('fhir/bundle_message_davinci_admit_notification_in_progress.json'),
    });
    expect(inProgress.status).toBe(400);
    expect(inProgress.contentType).toContain('application/problem+json');
    expect(inProgress.body['errors']).toEqual([
      expect.objectContaining({ field: 'entry[1].resource.status', reason: 'status-not-finished' }),
    ]);
  });

  it('should answer HL7 v2 with one ACK per message when asked (AA, AR, AE)', async () => {
    const orgId = newUuid();
    const token = await stack.clientToken(orgId);
    const body = `${corpusFile('hl7v2/DERIVED_concat_3_messages_mixed_separators.hl7')}\r${corpusFile('hl7v2/a03_v25_hapi_canada_empty_pv1_crlf.hl7')}`;
    const response = await stack.post('/api/intake/hl7v2', {
      token,
      contentType: hl7Type,
      accept: hl7Type,
      body,
    });
    expect(response.status).toBe(200);
    expect(response.contentType).toContain(hl7Type);
    const acknowledgements = response.text
      .split('\r')
      .filter((segment) => segment.startsWith('MSA|'));
    expect(acknowledgements).toEqual([
      expect.stringMatching(/^MSA\|AA\|263206(\||$)/),
      expect.stringMatching(/^MSA\|AA\|eh(\||$)/),
      expect.stringMatching(/^MSA\|AR\|/),
      expect.stringMatching(/^MSA\|AE\|Q67084255T54052896X2/),
    ]);
    expect(response.text).toMatch(/ERR\|\|PV1\^1\^19\|101\^Required field missing/);
    await waitFor(
      () => eventsOf(orgId),
      (events) => events.length === 2,
      { timeoutMs: 15_000, description: 'two A03 events' },
    );

    const plain = await stack.post('/api/intake/hl7v2', { token, contentType: 'text/plain', body });
    expect(plain.status).toBe(202);
    expect(plain.body['accepted']).toEqual([
      expect.objectContaining({ index: 0, duplicate: true }),
      expect.objectContaining({ index: 1, duplicate: true }),
    ]);
  });

  it("should read HL7 v2 times without an offset in the organization's timezone and national phone numbers in its phone region", async () => {
    const orgId = newUuid();
    // The projection row `org.settings.updated` leaves behind (its consumer is tested with sessions).
    await stack.sql(
      `INSERT INTO org_settings (org_id, revision, settings) VALUES ($1, 1, $2)`,
      [
        orgId,
        JSON.stringify({ timezone: 'America/Chicago', defaultLanguage: 'en', phoneRegion: 'US' }),
      ],
      orgId,
    );
    const message = [
      'MSH|^~\\&|HIS|CLINIC|CARELOOP|CARELOOP|20261120150000||ADT^A03^ADT_A03|TZ0001|P|2.5',
      'EVN|A03|20261120150000',
      'PID|1||MRN-TZ^^^CLINIC^MR||Martin^Jeanne||19610402|F|||||(312) 555-0147^PRN^PH~^NET^Internet^jeanne@example.org',
      'PV1|1|O|CARDIO^^^CHICAGO||||D123^Durand^Paul||||||||||||V-TZ-1|||||||||||||||||||||||||20261120140000|20261120143000',
    ].join('\r');
    const token = await stack.clientToken(orgId);

    const response = await stack.post('/api/intake/hl7v2', {
      token,
      contentType: hl7Type,
      body: message,
    });

    expect(response.status).toBe(202);
    const [event] = await waitFor(
      () => eventsOf(orgId),
      (events) => events.length === 1,
      { description: 'the appointment event' },
    );
    // 14:30 in Chicago in November (CST, UTC-6) is 20:30 UTC; the event names the zone it used.
    const appointment = event!.data['appointment'] as Record<string, string>;
    expect(new Date(appointment['endedAt']!).toISOString()).toBe('2026-11-20T20:30:00.000Z');
    expect(appointment['timezone']).toBe('America/Chicago');
    expect((event!.data['patient'] as Record<string, string>)['phone']).toBe('+13125550147');
    expect(JSON.stringify(response.body)).not.toContain('read as UTC');
  });

  it('should refuse callers without a token (401) or without the scope or role (403), and admit org admins', async () => {
    const orgId = newUuid();
    expect((await stack.post('/api/intake/appointments', { body: appointment('X') })).status).toBe(
      401,
    );
    const wrongScope = await stack.clientToken(orgId, ['surveys:read']);
    expect(
      (await stack.post('/api/intake/appointments', { token: wrongScope, body: appointment('X') }))
        .status,
    ).toBe(403);
    const analyst = await stack.userToken(orgId, ['analyst']);
    expect(
      (
        await stack.post('/api/intake/hl7v2', {
          token: analyst,
          contentType: 'text/plain',
          body: 'MSH|',
        })
      ).status,
    ).toBe(403);
    const admin = await stack.userToken(orgId, ['org_admin']);
    expect(
      (
        await stack.post('/api/intake/appointments', {
          token: admin,
          body: appointment('BY-ADMIN'),
        })
      ).status,
    ).toBe(202);
  });

  it('should accept a batch of 1,000 appointments and publish 1,000 events', async () => {
    const orgId = newUuid();
    const token = await stack.clientToken(orgId);
    const batch = Array.from({ length: 1_000 }, (_, index) => appointment(`BULK-${index}`));
    const response = await stack.post('/api/intake/appointments', { token, body: batch });
    expect(response.status).toBe(202);
    expect((response.body['accepted'] as unknown[]).length).toBe(1_000);
    expect(response.body['rejected']).toEqual([]);
    await waitFor(
      () => eventsOf(orgId),
      (events) => events.length === 1_000,
      {
        timeoutMs: 60_000,
        description: '1,000 events on Kafka',
      },
    );
  }, 90_000);

  it('should answer 400 with problem+json when nothing can be read, never 500', async () => {
    const token = await stack.clientToken(newUuid());
    const cases: [string, string, string][] = [
      ['/api/intake/fhir', 'application/fhir+json', '{"resourceType": "Encounter",'],
      ['/api/intake/fhir', 'application/fhir+json', '[]'],
      ['/api/intake/hl7v2', 'text/plain', 'hello'],
      ['/api/intake/hl7v2', hl7Type, ''],
      ['/api/intake/appointments', 'application/json', '"x"'],
      ['/api/intake/appointments', 'application/json', '{"broken'],
    ];
    for (const [route, contentType, body] of cases) {
      const response = await stack.post(route, { token, contentType, body });
      expect({ route, body, status: response.status }).toEqual({ route, body, status: 400 });
      expect(response.contentType).toContain('application/problem+json');
    }
    const badZone = await stack.post('/api/intake/appointments?timezone=Mars/Base', {
      token,
      body: appointment('TZ'),
    });
    expect(badZone.status).toBe(400);
  });

  it('should give every corpus file its expected status, each in a fresh organization, and never a 5xx', async () => {
    const manifest = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    for (const line of manifest) {
      const [file = '', , , expected = ''] = line.split('\t');
      const token = await stack.clientToken(newUuid());
      const response = file.startsWith('fhir/')
        ? await stack.post('/api/intake/fhir', {
            token,
            contentType: 'application/fhir+json',
            body: corpusFile(file),
          })
        : await stack.post('/api/intake/hl7v2', {
            token,
            contentType: hl7Type,
            body: corpusFile(file),
          });
      const expectedStatuses = expected.startsWith('reject:')
        ? [400]
        : expected.startsWith('accept:1|reject')
          ? [202, 400]
          : [202];
      expect({ file, expected: expectedStatuses.includes(response.status) }).toEqual({
        file,
        expected: true,
      });
    }
  }, 60_000);
});
