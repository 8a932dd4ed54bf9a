import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ALL_EVENT_TYPES,
  deadLetterTopicOf,
  EventTypes,
  isEventType,
  isPlatformEventType,
  PLATFORM_EVENT_TYPES,
} from './topics';

// scripts/infra/topics.txt is what infra.sh and docker-compose create; it must name the same topics.
const topicsFile = path.join(__dirname, '../../../scripts/infra/topics.txt');

function readTopicsFile(): string[] {
  return readFileSync(topicsFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

describe('topics', () => {
  it('should list every event type once', () => {
    expect(ALL_EVENT_TYPES).toEqual(Object.values(EventTypes));
    expect(new Set(ALL_EVENT_TYPES).size).toBe(ALL_EVENT_TYPES.length);
    expect(ALL_EVENT_TYPES).toHaveLength(21);
  });

  it('should name topics the way Kafka and the DLQ suffix allow', () => {
    for (const type of ALL_EVENT_TYPES) {
      expect(type).toMatch(/^[a-z]+(\.[a-z]+)+$/);
      expect(type.endsWith('.dlq')).toBe(false);
    }
  });

  it('should list the same topics as scripts/infra/topics.txt', () => {
    const listed = readTopicsFile();
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...ALL_EVENT_TYPES].sort());
  });

  it('should keep platform-level types a subset of the event types', () => {
    expect(PLATFORM_EVENT_TYPES.every((type) => isEventType(type))).toBe(true);
    expect(isPlatformEventType('identity.registered')).toBe(true);
    expect(isPlatformEventType('survey.published')).toBe(false);
  });
});

describe(deadLetterTopicOf.name, () => {
  it('should append .dlq to the topic', () => {
    expect(deadLetterTopicOf('survey.response.submitted')).toBe('survey.response.submitted.dlq');
  });
});

describe(isEventType.name, () => {
  it.each([
    ['survey.published', true],
    ['survey.published.dlq', false],
    ['toString', false],
    ['', false],
    [42, false],
    [undefined, false],
  ])('should tell whether %p is an event type', (value, expected) => {
    expect(isEventType(value)).toBe(expected);
  });
});
