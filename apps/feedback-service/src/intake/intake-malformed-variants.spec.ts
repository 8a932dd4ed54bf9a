import { mapFhirBody } from './fhir-encounter.mapper';
import { mapHl7v2Body } from './hl7v2-adt.mapper';
import type { MappedBody } from './intake.types';
import { mapNativeBody } from './native-appointment.mapper';

// Every variant below breaks a valid message in one way; each must be refused with a reason
// (a field and a message), and no input may make a mapper throw.
const orgId = '6f1c1b9e-3f0e-4a8e-9c51-0a4b0f1f1e2a';

const hl7Segments = {
  MSH: 'MSH|^~\\&|HIS|CLINIC|CARELOOP|CARELOOP|20240501103000+0200||ADT^A03^ADT_A03|MSG0001|P|2.5',
  EVN: 'EVN|A03|20240501103000+0200',
  PID: 'PID|1||MRN778^^^CLINIC^MR||Martin^Jeanne||19610402|F|||||+33612345678^PRN^PH|||fr',
  PV1: 'PV1|1|O|CARDIO^^^PARIS15||||D123^Durand^Paul||||||||||||V20240501-1|||||||||||||||||||||||||20240501090000+0200|20240501100000+0200',
};
const validHl7 = Object.values(hl7Segments).join('\r');

function replaceSegment(name: keyof typeof hl7Segments, replacement: string | null): string {
  return Object.entries(hl7Segments)
    .flatMap(([segment, text]) =>
      segment === name ? (replacement === null ? [] : [replacement]) : [text],
    )
    .join('\r');
}

function setField(name: keyof typeof hl7Segments, field: number, value: string): string {
  const parts = hl7Segments[name].split('|');
  // MSH-1 is the separator itself, so MSH-n is parts[n - 1]; other segments' n is parts[n].
  parts[name === 'MSH' ? field - 1 : field] = value;
  return replaceSegment(name, parts.join('|'));
}

const validEncounter = {
  resourceType: 'Encounter',
  id: 'enc-1',
  identifier: [{ system: 'urn:clinic', value: 'APT-1' }],
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject: { reference: '#p1' },
  period: { start: '2024-05-01T09:00:00+02:00', end: '2024-05-01T10:00:00+02:00' },
  contained: [
    {
      resourceType: 'Patient',
      id: 'p1',
      identifier: [{ type: { coding: [{ code: 'MR' }] }, value: 'MRN778' }],
      name: [{ family: 'Martin', given: ['Jeanne'] }],
      telecom: [{ system: 'email', value: 'jeanne.martin@example.org' }],
    },
  ],
};
type Json = Record<string, unknown>;
function encounterWith(change: (encounter: Json) => void): Json {
  const copy = structuredClone(validEncounter) as unknown as Json;
  change(copy);
  return copy;
}
const patientOf = (encounter: Json) => (encounter['contained'] as Json[])[0] as Json;

const validNative = {
  externalAppointmentId: 'APT-2024-0001',
  patient: {
    externalId: 'MRN-778',
    name: 'Jeanne Martin',
    email: 'jeanne@example.org',
    phone: '+33612345678',
    language: 'fr',
    birthYear: 1961,
  },
  appointment: {
    type: 'consultation',
    startedAt: '2024-05-02T08:30:00+02:00',
    endedAt: '2024-05-02T09:00:00+02:00',
    timezone: 'Europe/Paris',
  },
};
function nativeWith(change: (item: Json) => void): Json {
  const copy = structuredClone(validNative) as unknown as Json;
  change(copy);
  return copy;
}
const appointmentOf = (item: Json) => item['appointment'] as Json;
const patientIn = (item: Json) => item['patient'] as Json;

function expectRefused(result: MappedBody): void {
  if (!result.readable) {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) expect(error.message.length).toBeGreaterThan(0);
    return;
  }
  expect(result.items.length).toBeGreaterThan(0);
  for (const item of result.items) {
    expect(item.ok).toBe(false);
    if (!item.ok) {
      expect(item.errors.length).toBeGreaterThan(0);
      for (const error of item.errors) {
        expect(typeof error.field).toBe('string');
        expect(error.message.length).toBeGreaterThan(0);
        expect(error.reason).toBeTruthy();
      }
    }
  }
}

const huge = 'X'.repeat(200);

const hl7Variants: [string, string][] = [
  ['no PV1', replaceSegment('PV1', null)],
  ['no PID', replaceSegment('PID', null)],
  ['empty PV1-19', setField('PV1', 19, '')],
  ['HL7 null PV1-19', setField('PV1', 19, '""')],
  ['empty PID-3', setField('PID', 3, '')],
  ['huge PV1-19', setField('PV1', 19, huge)],
  ['huge PID-3', setField('PID', 3, huge)],
  ['ADT^A01', setField('MSH', 9, 'ADT^A01')],
  ['ADT^A08', setField('MSH', 9, 'ADT^A08')],
  ['ADT^A13', setField('MSH', 9, 'ADT^A13')],
  ['ORU^R01', setField('MSH', 9, 'ORU^R01')],
  ['empty MSH-9', setField('MSH', 9, '')],
  ['ADT without event', setField('MSH', 9, 'ADT')],
  ['ADT^A03* (fuzzed)', setField('MSH', 9, 'ADT^A03*')],
  ['lower-case adt^a03', setField('MSH', 9, 'adt^a03')],
  ['duplicated encoding characters', validHl7.replace('^~\\&', '^^\\&')],
  ['alphanumeric encoding characters', validHl7.replace('^~\\&', 'ab~\\&')],
  ['too few encoding characters', validHl7.replace('^~\\&', '^~')],
  ['no encoding characters', validHl7.replace('^~\\&', '')],
  ['encoding characters include the field separator', validHl7.replace('^~\\&', '^~|&')],
  ['letter as field separator', validHl7.replace(/\|/g, 'X')],
  ['invalid month in PV1-45', setField('PV1', 45, '20241340120000')],
  ['30 February in PV1-45', setField('PV1', 45, '20240230120000')],
  ['ISO date in PV1-45', setField('PV1', 45, '2024-05-01T10:00:00')],
  ['text in PV1-45', setField('PV1', 45, 'yesterday')],
  ['space inside PV1-45', setField('PV1', 45, '20240501 1000')],
  ['minute 60 in PV1-45', setField('PV1', 45, '202405011060')],
  ['offset +2500 in PV1-45', setField('PV1', 45, '20240501100000+2500')],
  ['date only in PV1-45', setField('PV1', 45, '20240501')],
  ['end before start by hours', setField('PV1', 45, '20240501060000+0200')],
  ['garbage line', `${validHl7}\rblaaaaaah`],
  ['segment name too short', `${validHl7}\rPV|1`],
  ['lower-case segment', `${validHl7}\rzzz|1`],
  ['text before MSH only', 'hello world'],
  ['empty body', ''],
  ['whitespace body', ' \r\n\t '],
  ['BOM only', '\uFEFF'],
  ['MLLP frame without message', '\u000b\u001c\r'],
  ['binary garbage', '\u0000\u0001\u0002\u00ff'],
  ['PID before MSH', `${hl7Segments.PID}\r${hl7Segments.PV1}`],
  ['batch envelope without messages', 'BHS|^~\\&|X\rBTS|0'],
  [
    'no times anywhere',
    replaceSegment('MSH', hl7Segments.MSH.replace('20240501103000+0200', ''))
      .replace(/\|20240501090000\+0200\|20240501100000\+0200/, '||')
      .replace('EVN|A03|20240501103000+0200', 'EVN|A03'),
  ],
];
// Cut the message short anywhere before the visit number is complete: every prefix must be refused.
const visitNumberStart = validHl7.indexOf('V20240501-1');
for (let length = 0; length < visitNumberStart; length += 9) {
  hl7Variants.push([`truncated to ${length} characters`, validHl7.slice(0, length)]);
}

const fhirVariants: [string, unknown][] = [
  ['status in-progress', encounterWith((e) => (e['status'] = 'in-progress'))],
  ['status planned', encounterWith((e) => (e['status'] = 'planned'))],
  ['status cancelled', encounterWith((e) => (e['status'] = 'cancelled'))],
  ['status entered-in-error', encounterWith((e) => (e['status'] = 'entered-in-error'))],
  ['status a number', encounterWith((e) => (e['status'] = 3))],
  ['no status', encounterWith((e) => delete e['status'])],
  ['no subject', encounterWith((e) => delete e['subject'])],
  [
    'subject not in the body',
    encounterWith((e) => (e['subject'] = { reference: 'Patient/elsewhere' })),
  ],
  [
    'subject to a missing contained id',
    encounterWith((e) => (e['subject'] = { reference: '#nope' })),
  ],
  [
    'subject a conditional reference',
    encounterWith((e) => (e['subject'] = { reference: 'Patient?identifier=x|1' })),
  ],
  ['subject a string', encounterWith((e) => (e['subject'] = 'Patient/p1'))],
  ['subject a Practitioner', encounterWith((e) => (patientOf(e)['resourceType'] = 'Practitioner'))],
  ['no period', encounterWith((e) => delete e['period'])],
  ['period a string', encounterWith((e) => (e['period'] = '2024-05-01'))],
  ['no period.end', encounterWith((e) => delete (e['period'] as Json)['end'])],
  ['period.end date only', encounterWith((e) => ((e['period'] as Json)['end'] = '2024-05-01'))],
  [
    'period.end without offset',
    encounterWith((e) => ((e['period'] as Json)['end'] = '2024-05-01T10:00:00')),
  ],
  ['period.end text', encounterWith((e) => ((e['period'] as Json)['end'] = 'soon'))],
  ['period.end a number', encounterWith((e) => ((e['period'] as Json)['end'] = 20240501))],
  [
    'period.end 30 February',
    encounterWith((e) => ((e['period'] as Json)['end'] = '2024-02-30T10:00:00Z')),
  ],
  ['period.start text', encounterWith((e) => ((e['period'] as Json)['start'] = 'earlier'))],
  [
    'end before start',
    encounterWith((e) => ((e['period'] as Json)['end'] = '2024-05-01T08:00:00+02:00')),
  ],
  [
    'no identifier and no id',
    encounterWith((e) => {
      delete e['identifier'];
      delete e['id'];
    }),
  ],
  ['huge identifier', encounterWith((e) => (e['identifier'] = [{ value: huge }]))],
  [
    'patient without any id',
    encounterWith((e) => {
      delete patientOf(e)['identifier'];
      delete patientOf(e)['id'];
      e['subject'] = { reference: '#p1' };
      (e['contained'] as Json[])[0] = { resourceType: 'Patient' };
    }),
  ],
  [
    'huge patient identifier',
    encounterWith((e) => (patientOf(e)['identifier'] = [{ value: huge }])),
  ],
  [
    'DSTU2 patient field',
    encounterWith((e) => {
      delete e['subject'];
      e['patient'] = { reference: '#p1' };
    }),
  ],
  ['DSTU2 class string', encounterWith((e) => (e['class'] = 'ambulatory'))],
  ['a Patient, not an Encounter', { resourceType: 'Patient', id: 'p1' }],
  ['no resourceType', { status: 'finished' }],
  ['not JSON', '{"resourceType": "Encounter",'],
  ['JSON array', '[]'],
  ['JSON null', 'null'],
  ['JSON string', '"Encounter"'],
  ['Bundle without entry', { resourceType: 'Bundle', type: 'collection' }],
  ['Bundle with empty entry', { resourceType: 'Bundle', type: 'collection', entry: [] }],
  [
    'Bundle with only a Patient',
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient', id: 'p' } }],
    },
  ],
  [
    'Bundle entries not objects',
    { resourceType: 'Bundle', type: 'collection', entry: [1, 'x', null] },
  ],
];
const encounterText = JSON.stringify(validEncounter);
for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
  fhirVariants.push([
    `JSON truncated at ${fraction * 100}%`,
    encounterText.slice(0, Math.floor(encounterText.length * fraction)),
  ]);
}

const nativeVariants: [string, unknown][] = [
  ['no externalAppointmentId', nativeWith((i) => delete i['externalAppointmentId'])],
  ['numeric externalAppointmentId', nativeWith((i) => (i['externalAppointmentId'] = 42))],
  ['empty externalAppointmentId', nativeWith((i) => (i['externalAppointmentId'] = ''))],
  ['huge externalAppointmentId', nativeWith((i) => (i['externalAppointmentId'] = huge))],
  ['no patient', nativeWith((i) => delete i['patient'])],
  ['patient a string', nativeWith((i) => (i['patient'] = 'Jeanne'))],
  ['no patient.externalId', nativeWith((i) => delete patientIn(i)['externalId'])],
  ['bad email', nativeWith((i) => (patientIn(i)['email'] = 'not-an-email'))],
  ['national phone', nativeWith((i) => (patientIn(i)['phone'] = '0612345678'))],
  ['bad language', nativeWith((i) => (patientIn(i)['language'] = 'french!'))],
  ['birth year 1800', nativeWith((i) => (patientIn(i)['birthYear'] = 1800))],
  ['birth year in the future', nativeWith((i) => (patientIn(i)['birthYear'] = 3000))],
  ['birth year a string', nativeWith((i) => (patientIn(i)['birthYear'] = '1961'))],
  ['huge name', nativeWith((i) => (patientIn(i)['name'] = 'N'.repeat(300)))],
  ['no appointment', nativeWith((i) => delete i['appointment'])],
  ['no endedAt', nativeWith((i) => delete appointmentOf(i)['endedAt'])],
  ['endedAt text', nativeWith((i) => (appointmentOf(i)['endedAt'] = 'later'))],
  [
    'endedAt without offset',
    nativeWith((i) => (appointmentOf(i)['endedAt'] = '2024-05-02T09:00:00')),
  ],
  [
    'endedAt before startedAt',
    nativeWith((i) => (appointmentOf(i)['endedAt'] = '2024-05-02T08:00:00+02:00')),
  ],
  ['bad timezone', nativeWith((i) => (appointmentOf(i)['timezone'] = 'Mars/Olympus'))],
  ['huge type', nativeWith((i) => (appointmentOf(i)['type'] = huge))],
  ['unknown field', nativeWith((i) => (i['ssn'] = '123-45-6789'))],
  ['unknown nested field', nativeWith((i) => (patientIn(i)['address'] = 'Paris'))],
  [
    'another organization',
    nativeWith((i) => (i['orgId'] = '11111111-1111-4111-8111-111111111111')),
  ],
  ['item a string', 'appointment'],
  ['item null', null],
  ['item a number', 7],
  ['empty batch', []],
  ['batch over 1,000', Array.from({ length: 1_001 }, () => validNative)],
];

describe('malformed intake variants', () => {
  it('should have more than a hundred variants', () => {
    expect(hl7Variants.length + fhirVariants.length + nativeVariants.length).toBeGreaterThan(100);
  });

  it('should accept the unmutated messages', () => {
    for (const result of [
      mapHl7v2Body(validHl7, { orgId }),
      mapFhirBody(validEncounter, { orgId }),
      mapNativeBody(validNative, { orgId }),
    ]) {
      expect(result.readable && result.items.every((item) => item.ok)).toBe(true);
    }
  });

  it.each(hl7Variants)('should refuse HL7 v2 with %s', (_name, body) => {
    expectRefused(mapHl7v2Body(body, { orgId }));
  });

  it.each(fhirVariants)('should refuse FHIR with %s', (_name, body) => {
    expectRefused(mapFhirBody(body, { orgId }));
  });

  it.each(nativeVariants)('should refuse native JSON with %s', (_name, body) => {
    expectRefused(mapNativeBody(Array.isArray(body) ? body : [body], { orgId }));
  });
});
