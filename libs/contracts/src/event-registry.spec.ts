import {
  CURRENT_DATA_VERSION,
  knownDataVersionsOf,
  orgIdOf,
  payloadClassOf,
  subjectOf,
} from './event-registry';
import { sampleEventData } from './spec-fixtures/event-samples';
import { ALL_EVENT_TYPES } from './topics';

describe('event registry', () => {
  it.each(ALL_EVENT_TYPES)('should register a current payload version for %s', (type) => {
    const current = CURRENT_DATA_VERSION[type];
    expect(current).toMatch(/^[1-9][0-9]*$/);
    expect(knownDataVersionsOf(type)).toContain(current);
    expect(payloadClassOf(type, current)).toEqual(expect.any(Function));
  });

  it('should have no entry for a type that is not an event type', () => {
    expect(Object.keys(CURRENT_DATA_VERSION).sort()).toEqual([...ALL_EVENT_TYPES].sort());
  });

  it.each([
    ['survey.published', '2'],
    ['survey.published', 'constructor'],
    ['survey.nothing', '1'],
    ['__proto__', '1'],
  ])('should know no payload class for %s version %s', (type, version) => {
    expect(payloadClassOf(type, version)).toBeUndefined();
  });

  it('should list no version for an unknown type', () => {
    expect(knownDataVersionsOf('survey.nothing')).toEqual([]);
  });

  it.each(ALL_EVENT_TYPES)('should name a non-empty aggregate id for %s', (type) => {
    expect(subjectOf(type, sampleEventData[type] as never)).toEqual(expect.any(String));
  });

  it.each([
    ['survey.response.submitted', 'sessionId'],
    ['appointment.completed', 'externalAppointmentId'],
    ['survey.published', 'surveyId'],
    ['org.settings.updated', 'orgId'],
    ['notification.bounced', 'deliveryId'],
  ] as const)('should key %s by %s', (type, field) => {
    const data = sampleEventData[type] as unknown as Record<string, string>;
    expect(subjectOf(type, sampleEventData[type] as never)).toBe(data[field]);
  });

  it('should take the tenant of identity.registered from the organization it created', () => {
    const data = sampleEventData['identity.registered'];
    expect(orgIdOf('identity.registered', data)).toBe(data.organization?.orgId);
    expect(orgIdOf('identity.erased', sampleEventData['identity.erased'])).toBeUndefined();
  });
});
