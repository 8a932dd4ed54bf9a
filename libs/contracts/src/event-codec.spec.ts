import { CloudEvent } from './cloud-event';
import { ContractViolationError } from './contract-violation.error';
import { buildEvent, decodeEvent, encodeEvent } from './event-codec';
import type { BuildEventInput, DecodeFailure, DecodeResult } from './event-codec';
import type { EventPayloadMap } from './event-registry';
import { payloadClassOf } from './event-registry';
import { AppointmentCompletedV1, AppointmentPatientV1 } from './events/appointment-completed.event';
import { SurveyPublishedV1 } from './events/survey.events';
import { identityId, orgId, sampleEventData, sessionId } from './spec-fixtures/event-samples';
import type { EventType } from './topics';
import { ALL_EVENT_TYPES } from './topics';

const source = '/careloop/test-service';
const eventId = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
const time = new Date('2024-05-02T09:00:00.000Z');

function clone<T>(value: T): T {
  return structuredClone(value);
}

function build<K extends EventType>(type: K, overrides: Partial<BuildEventInput<K>> = {}) {
  return buildEvent(type, { source, data: clone(sampleEventData[type]), ...overrides });
}

/** The wire form of a valid event, as a JSON object a test can break. */
function wire(type: EventType = 'appointment.completed'): Record<string, unknown> {
  return JSON.parse(encodeEvent(build(type)).toString('utf8')) as Record<string, unknown>;
}

function wireData(event: Record<string, unknown>): Record<string, unknown> {
  return event['data'] as Record<string, unknown>;
}

function buildErrors(run: () => unknown): ContractViolationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a ContractViolationError');
}

function failed(result: DecodeResult): DecodeFailure {
  if (result.ok) throw new Error('expected the decode to fail');
  return result;
}

describe(buildEvent.name, () => {
  it('should fill the CloudEvents envelope at the current data version', () => {
    const sut = build('survey.published');

    expect(sut).toBeInstanceOf(CloudEvent);
    expect(sut.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sut).toMatchObject({
      source,
      type: 'survey.published',
      specversion: '1.0',
      datacontenttype: 'application/json',
      dataversion: '1',
      subject: sampleEventData['survey.published'].surveyId,
      orgid: orgId,
    });
    expect(Date.parse(sut.time)).not.toBeNaN();
    expect(sut.data).toBeInstanceOf(SurveyPublishedV1);
  });

  it('should keep a given id and time', () => {
    const sut = build('survey.archived', { id: eventId, time });

    expect(sut.id).toBe(eventId);
    expect(sut.time).toBe('2024-05-02T09:00:00.000Z');
  });

  it('should accept a subject and tenant that agree with the data', () => {
    const sut = build('feedback.session.created', { subject: sessionId, orgId });

    expect(sut.subject).toBe(sessionId);
    expect(sut.orgid).toBe(orgId);
  });

  it('should build a platform-level event without a tenant', () => {
    const sut = build('identity.erased');

    expect(sut.orgid).toBeUndefined();
    expect(JSON.parse(encodeEvent(sut).toString())).not.toHaveProperty('orgid');
  });

  it('should give a signup identity.registered the tenant of the organization it creates', () => {
    expect(build('identity.registered').orgid).toBe(orgId);
  });

  it('should build nested payload instances so nested rules apply', () => {
    const sut = build('appointment.completed');

    expect(sut.data).toBeInstanceOf(AppointmentCompletedV1);
    expect(sut.data.patient).toBeInstanceOf(AppointmentPatientV1);
  });

  type BuildCase = [string, () => unknown, string];
  const appointment = (): EventPayloadMap['appointment.completed'] =>
    clone(sampleEventData['appointment.completed']);

  it.each<BuildCase>([
    [
      'a malformed patient email',
      () => {
        const data = appointment();
        data.patient.email = 'not-an-email';
        return build('appointment.completed', { data });
      },
      'data.patient.email',
    ],
    [
      'a missing nested appointment',
      () => {
        const data = appointment() as Partial<AppointmentCompletedV1>;
        delete data.appointment;
        return build('appointment.completed', { data: data as AppointmentCompletedV1 });
      },
      'data.appointment',
    ],
    [
      'a time zone that is not IANA',
      () => {
        const data = appointment();
        data.appointment.timezone = 'Mars/Olympus';
        return build('appointment.completed', { data });
      },
      'data.appointment.timezone',
    ],
    [
      'an appointment that ends before it starts',
      () => {
        const data = appointment();
        data.appointment.endedAt = '2024-05-02T08:00:00+02:00';
        return build('appointment.completed', { data });
      },
      'data.appointment.endedAt',
    ],
    [
      'a local time without an offset',
      () => {
        const data = appointment();
        data.appointment.startedAt = '2024-05-02T08:30:00';
        return build('appointment.completed', { data });
      },
      'data.appointment.startedAt',
    ],
    [
      'a field the contract does not declare',
      () => {
        const data = appointment();
        Object.assign(data.patient, { socialSecurityNumber: '1 61 05 75 115 042' });
        return build('appointment.completed', { data });
      },
      'data.patient.socialSecurityNumber',
    ],
    [
      'a phone number not in E.164 form',
      () => {
        const data = appointment();
        data.patient.phone = '06 12 34 56 78';
        return build('appointment.completed', { data });
      },
      'data.patient.phone',
    ],
    [
      'a bad item in a nested array',
      () => {
        const data = clone(sampleEventData['feedback.alert.raised']);
        data.triggers.push({ questionId: '', value: 1 });
        return build('feedback.alert.raised', { data });
      },
      'data.triggers.1.questionId',
    ],
    [
      'a recipient without the contact of the channel',
      () => {
        const data = clone(sampleEventData['feedback.session.created']);
        data.channel = 'sms';
        return build('feedback.session.created', { data });
      },
      'data.recipient',
    ],
    [
      'a skip reason outside the list',
      () => {
        const data = clone(sampleEventData['feedback.session.skipped']);
        Object.assign(data, { reason: 'forgot' });
        return build('feedback.session.skipped', { data });
      },
      'data.reason',
    ],
    [
      'null for an optional field (absent is not null)',
      () => {
        const data = appointment();
        Object.assign(data.patient, { email: null });
        return build('appointment.completed', { data });
      },
      'data.patient.email',
    ],
    [
      'a source that is not a URI-reference',
      () => build('survey.archived', { source: 'survey service' }),
      'source',
    ],
    ['an id that is not a UUID', () => build('survey.archived', { id: 'event-1' }), 'id'],
    ['an invalid time', () => build('survey.archived', { time: new Date('soon') }), 'time'],
    [
      'a subject that is not the aggregate id',
      () => build('survey.archived', { subject: sessionId }),
      'subject',
    ],
    [
      'a tenant that is not the one the data names',
      () => build('survey.archived', { orgId: identityId }),
      'orgid',
    ],
    [
      'data that is not an object',
      () => build('survey.archived', { data: 'survey' as never }),
      'data',
    ],
  ])('should reject %s naming the field', (_case, run, field) => {
    const error = buildErrors(run);

    expect(error.errors.map((e) => e.field)).toContain(field);
    expect(error.message).toContain(field);
  });

  it('should report only the payload errors when subject and tenant default from an invalid payload', () => {
    const data = appointment();
    data.orgId = 'tenant';

    const error = buildErrors(() => build('appointment.completed', { data }));

    expect(error.errors.map((e) => e.field)).toEqual(['data.orgId']);
  });

  it('should report data that is not an object once', () => {
    const error = buildErrors(() => build('survey.archived', { data: null as never }));

    expect(error.errors).toEqual([{ field: 'data', message: 'data must be an object' }]);
  });

  it('should refuse a type that has no contract', () => {
    const error = buildErrors(() =>
      buildEvent('survey.deleted' as EventType, { source, data: {} as never }),
    );

    expect(error.errors).toEqual([{ field: 'type', message: expect.any(String) as unknown }]);
  });
});

describe(decodeEvent.name, () => {
  it.each(ALL_EVENT_TYPES)('should round-trip a valid %s event', (type) => {
    const built = build(type, { id: eventId, time });

    const result = decodeEvent(encodeEvent(built), type);

    if (!result.ok) throw new Error(`${result.reason}: ${JSON.stringify(result.errors)}`);
    expect(result.event).toEqual(built);
    expect(result.event).toBeInstanceOf(CloudEvent);
    expect(result.event.data).toBeInstanceOf(payloadClassOf(type, '1') as new () => object);
  });

  it('should accept the message as a string as well as a Buffer', () => {
    const result = decodeEvent(JSON.stringify(wire()));

    expect(result.ok).toBe(true);
  });

  it('should type the data by the expected type', () => {
    const result = decodeEvent(encodeEvent(build('survey.published')), 'survey.published');
    if (!result.ok) throw new Error(result.detail);

    // Compile-time check: no cast is needed to read a SurveyPublishedV1 field.
    const version: number = result.event.data.version;
    expect(version).toBe(3);
  });

  it('should narrow the data by event type when no type is expected', () => {
    const result = decodeEvent(encodeEvent(build('org.created')));
    if (!result.ok) throw new Error(result.detail);

    const event = result.event;
    expect(event.type === 'org.created' ? event.data.settings.timezone : undefined).toBe(
      'Europe/Paris',
    );
  });

  it('should tolerate fields it does not know, as a newer producer may add optional ones', () => {
    const event = wire();
    event['partitionkey'] = 'ignored extension attribute';
    wireData(event)['referral'] = 'added later without a new version';

    const result = decodeEvent(JSON.stringify(event), 'appointment.completed');

    expect(result.ok).toBe(true);
  });

  it('should decode a platform-level event that names no tenant', () => {
    const event = wire('identity.erased');

    expect(event).not.toHaveProperty('orgid');
    expect(decodeEvent(JSON.stringify(event)).ok).toBe(true);
  });

  type DecodeCase = [string, string | Buffer | null | undefined, string, string | undefined];
  const withEnvelope = (change: (event: Record<string, unknown>) => void, type?: EventType) => {
    const event = wire(type);
    change(event);
    return JSON.stringify(event);
  };

  it.each<DecodeCase>([
    ['a tombstone', null, 'not-json', undefined],
    ['an undefined value', undefined, 'not-json', undefined],
    ['an empty message', Buffer.alloc(0), 'not-json', undefined],
    ['text that is not JSON', 'appointment done', 'not-json', undefined],
    ['truncated JSON', '{"id":"1","type":"survey.pub', 'not-json', undefined],
    ['a JSON array', '[1,2]', 'invalid-envelope', undefined],
    ['a JSON string', '"survey.published"', 'invalid-envelope', undefined],
    ['JSON null', 'null', 'invalid-envelope', undefined],
    ['an event without a type', withEnvelope((e) => delete e['type']), 'invalid-envelope', 'type'],
    [
      'a type that is not a string',
      withEnvelope((e) => (e['type'] = 7)),
      'invalid-envelope',
      'type',
    ],
    [
      'an event of another type',
      withEnvelope((e) => (e['type'] = 'appointment.cancelled')),
      'type-mismatch',
      undefined,
    ],
    [
      'another CloudEvents spec version',
      withEnvelope((e) => (e['specversion'] = '0.3')),
      'invalid-envelope',
      'specversion',
    ],
    ['an id that is not a UUID', withEnvelope((e) => (e['id'] = 'abc')), 'invalid-envelope', 'id'],
    [
      'a time without an offset',
      withEnvelope((e) => (e['time'] = '2024-05-02 09:00')),
      'invalid-envelope',
      'time',
    ],
    [
      'an impossible date',
      withEnvelope((e) => (e['time'] = '2024-02-30T09:00:00Z')),
      'invalid-envelope',
      'time',
    ],
    ['no subject', withEnvelope((e) => delete e['subject']), 'invalid-envelope', 'subject'],
    ['an empty source', withEnvelope((e) => (e['source'] = '')), 'invalid-envelope', 'source'],
    [
      'another content type',
      withEnvelope((e) => (e['datacontenttype'] = 'text/xml')),
      'invalid-envelope',
      'datacontenttype',
    ],
    [
      'a tenant event without orgid',
      withEnvelope((e) => delete e['orgid']),
      'invalid-envelope',
      'orgid',
    ],
    [
      'an orgid that is not a UUID',
      withEnvelope((e) => (e['orgid'] = 'acme')),
      'invalid-envelope',
      'orgid',
    ],
    [
      'a malformed dataversion',
      withEnvelope((e) => (e['dataversion'] = 'v1')),
      'invalid-envelope',
      'dataversion',
    ],
    ['no data', withEnvelope((e) => delete e['data']), 'invalid-envelope', 'data'],
    [
      'an unknown dataversion',
      withEnvelope((e) => (e['dataversion'] = '2')),
      'unknown-version',
      undefined,
    ],
    [
      'an invalid payload field',
      withEnvelope((e) => (wireData(e)['orgId'] = 'acme')),
      'invalid-payload',
      'data.orgId',
    ],
    [
      'an invalid nested payload field',
      withEnvelope((e) => ((wireData(e)['patient'] as Record<string, unknown>)['email'] = 'x@')),
      'invalid-payload',
      'data.patient.email',
    ],
    [
      'a nested object of the wrong kind',
      withEnvelope((e) => (wireData(e)['patient'] = 'Jeanne')),
      'invalid-payload',
      'data.patient',
    ],
    [
      'a subject that is not the aggregate id',
      withEnvelope((e) => (e['subject'] = 'APT-9')),
      'invalid-envelope',
      'subject',
    ],
    [
      'an orgid that is not the data tenant',
      withEnvelope((e) => (e['orgid'] = identityId)),
      'invalid-envelope',
      'orgid',
    ],
  ])('should reject %s', (_case, raw, reason, field) => {
    const sut = failed(decodeEvent(raw, 'appointment.completed'));

    expect(sut.reason).toBe(reason);
    expect(sut.detail).toEqual(expect.any(String));
    if (field !== undefined) expect(sut.errors?.map((e) => e.field)).toContain(field);
  });

  it('should report a type mismatch against the expected type, with what it could read', () => {
    const event = wire('survey.archived');

    const sut = failed(decodeEvent(JSON.stringify(event), 'survey.published'));

    expect(sut).toMatchObject({
      reason: 'type-mismatch',
      eventId: event['id'],
      type: 'survey.archived',
    });
  });

  it('should report an unknown type of a topic nobody registered as unknown-type', () => {
    const event = { ...wire(), type: 'appointment.cancelled' };

    expect(failed(decodeEvent(JSON.stringify(event))).reason).toBe('unknown-type');
  });

  it('should never assign "__proto__" from the message onto the decoded objects', () => {
    const payload = JSON.stringify(wire()).replace(
      '"data":{',
      '"__proto__":{"polluted":true},"data":{"__proto__":{"polluted":true},',
    );

    const result = decodeEvent(payload, 'appointment.completed');

    if (!result.ok) throw new Error(result.detail);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(result.event)).toBe(CloudEvent.prototype);
    expect(Object.getPrototypeOf(result.event.data)).toBe(AppointmentCompletedV1.prototype);
    expect((result.event.data as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    [
      'deeply nested data',
      `{"type":"appointment.completed","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    [
      'answers that are an array',
      withEnvelope((e) => (wireData(e)['answers'] = [1]), 'survey.response.submitted'),
    ],
    ['numbers where strings belong', withEnvelope((e) => (e['dataversion'] = 1))],
  ])('should never throw on %s', (_case, raw) => {
    expect(() => decodeEvent(raw)).not.toThrow();
    expect(decodeEvent(raw).ok).toBe(false);
  });
});

describe(encodeEvent.name, () => {
  it('should write the structured-mode JSON of the event', () => {
    const event = build('survey.archived', { id: eventId, time });

    const sut = JSON.parse(encodeEvent(event).toString('utf8')) as Record<string, unknown>;

    expect(sut).toEqual({
      id: eventId,
      source,
      type: 'survey.archived',
      specversion: '1.0',
      time: '2024-05-02T09:00:00.000Z',
      subject: sampleEventData['survey.archived'].surveyId,
      datacontenttype: 'application/json',
      dataversion: '1',
      orgid: orgId,
      data: sampleEventData['survey.archived'],
    });
  });
});

describe(ContractViolationError.name, () => {
  it('should list the first errors in its message and count the rest', () => {
    const errors = Array.from({ length: 7 }, (_, i) => ({ field: `data.f${i}`, message: 'bad' }));

    const sut = new ContractViolationError('survey.published', errors);

    expect(sut.message).toContain('data.f0: bad');
    expect(sut.message).toContain('and 2 more');
    expect(sut.name).toBe('ContractViolationError');
  });
});
