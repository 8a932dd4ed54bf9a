import { readFileSync } from 'node:fs';
import path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { decodeEvent } from './event-codec';
import { CURRENT_DATA_VERSION, payloadClassOf } from './event-registry';
import type { PayloadClass } from './event-registry';
import { ALL_EVENT_TYPES, isPlatformEventType } from './topics';
import type { EventType } from './topics';

// docs/asyncapi.yaml is written by hand; this spec keeps it in step with the classes.
const documentPath = path.join(__dirname, '../../../docs/asyncapi.yaml');

type Json = Record<string, unknown>;
type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

interface Channel {
  address: string;
  parameters?: Record<string, { enum?: string[] }>;
  messages: Record<string, Json>;
}

interface Message {
  payload: { allOf: Json[] };
  examples?: { payload: Json }[];
}

const document = parse(readFileSync(documentPath, 'utf8')) as {
  asyncapi: string;
  channels: Record<string, Channel>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { schemas: Record<string, Json>; messages: Record<string, Message> };
};

function resolve(node: Json): Json {
  const reference = node['$ref'];
  if (typeof reference !== 'string') return node;
  const target = reference
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], document);
  if (target === undefined) throw new Error(`unresolved ${reference}`);
  return resolve(target as Json);
}

/** A property schema written as `allOf: [{$ref}]` (to carry a description) is its referent. */
function unwrap(node: Json): Json {
  const resolved = resolve(node);
  const allOf = resolved['allOf'] as Json[] | undefined;
  return allOf?.length === 1 && allOf[0] !== undefined ? unwrap(allOf[0]) : resolved;
}

const channels = Object.entries(document.channels);
const domainChannels = channels.filter(([, channel]) => channel.parameters === undefined);

function messageOf(type: EventType): Message {
  const entry = domainChannels.find(([, channel]) => channel.address === type);
  if (entry === undefined) throw new Error(`no channel for ${type}`);
  const messages = Object.values(entry[1].messages);
  expect(messages).toHaveLength(1);
  return resolve(messages[0] as Json) as unknown as Message;
}

function eventPartOf(message: Message): Json {
  const part = message.payload.allOf.find((node) => node['$ref'] === undefined);
  if (part === undefined) throw new Error('no event-specific part in the payload');
  return part;
}

function metadataOf(payloadClass: PayloadClass): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(payloadClass, '', true, false);
}

/** The nested class class-transformer builds for a property (found by building one). */
function nestedClassOf(
  payloadClass: PayloadClass,
  property: string,
  isArray: boolean,
): PayloadClass {
  const probe = plainToInstance(payloadClass, { [property]: isArray ? [{}] : {} }) as Json;
  const value = probe[property];
  const nested = (isArray ? (value as object[])[0] : value) as object;
  return nested.constructor as PayloadClass;
}

/** Differences between a payload class and its schema: properties, required ones, enums, nesting. */
function compare(payloadClass: PayloadClass, schemaNode: Json, at: string): string[] {
  const schema = unwrap(schemaNode);
  const problems: string[] = [];
  const metadata = metadataOf(payloadClass);
  const classProperties = [...new Set(metadata.map((m) => m.propertyName))].sort();
  const schemaProperties = Object.keys((schema['properties'] as Json | undefined) ?? {}).sort();
  if (classProperties.join() !== schemaProperties.join()) {
    problems.push(
      `${at}: properties ${schemaProperties.join()} != class ${classProperties.join()}`,
    );
  }
  const optional = new Set(
    metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName),
  );
  const required = classProperties.filter((p) => !optional.has(p)).sort();
  const schemaRequired = [...((schema['required'] as string[] | undefined) ?? [])].sort();
  if (required.join() !== schemaRequired.join()) {
    problems.push(`${at}: required ${schemaRequired.join()} != class ${required.join()}`);
  }
  for (const property of classProperties) {
    const propertySchemaNode = (schema['properties'] as Json | undefined)?.[property] as
      Json | undefined;
    if (propertySchemaNode === undefined) continue;
    const propertySchema = unwrap(propertySchemaNode);
    const isArray = propertySchema['type'] === 'array';
    const valueSchema = isArray ? unwrap(propertySchema['items'] as Json) : propertySchema;
    const own = metadata.filter((m) => m.propertyName === property);
    const isIn = own.find((m) => m.name === 'isIn');
    if (isIn !== undefined) {
      const expected = [...(isIn.constraints[0] as string[])].sort().join();
      const actual = [...((valueSchema['enum'] as string[] | undefined) ?? [])].sort().join();
      if (expected !== actual)
        problems.push(`${at}.${property}: enum ${actual} != class ${expected}`);
    }
    if (own.some((m) => m.type === 'nestedValidation')) {
      const nested = nestedClassOf(payloadClass, property, isArray);
      problems.push(...compare(nested, valueSchema, `${at}.${property}`));
    }
  }
  return problems;
}

describe('docs/asyncapi.yaml', () => {
  it('should be an AsyncAPI 3 document', () => {
    expect(document.asyncapi).toMatch(/^3\./);
  });

  it('should have a channel for every event type and no channel that is not one', () => {
    const addresses = domainChannels.map(([, channel]) => channel.address).sort();

    expect(addresses).toEqual([...ALL_EVENT_TYPES].sort());
  });

  it('should describe the dead-letter topic of every event type', () => {
    const deadLetter = channels.find(([, channel]) => channel.address === '{eventType}.dlq');

    expect(deadLetter?.[1].parameters?.['eventType']?.enum?.sort()).toEqual(
      [...ALL_EVENT_TYPES].sort(),
    );
  });

  it('should give every channel a send and a receive operation', () => {
    for (const [name] of channels) {
      const actions = Object.values(document.operations)
        .filter((operation) => operation.channel.$ref === `#/channels/${name}`)
        .map((operation) => operation.action);
      expect({ name, receives: actions.includes('receive') }).toEqual({ name, receives: true });
      if (name !== 'deadLetter')
        expect({ name, sends: actions.includes('send') }).toEqual({ name, sends: true });
    }
  });

  describe.each(ALL_EVENT_TYPES)('the %s channel', (type) => {
    const payloadClass = payloadClassOf(type, CURRENT_DATA_VERSION[type]) as PayloadClass;

    it('should describe the current version of its payload class', () => {
      const part = eventPartOf(messageOf(type));
      const properties = part['properties'] as Json;

      expect(properties['type']).toEqual({ const: type });
      expect(properties['dataversion']).toEqual({ const: CURRENT_DATA_VERSION[type] });
      expect((properties['data'] as Json)['$ref']).toBe(
        `#/components/schemas/${payloadClass.name}`,
      );
    });

    it('should require orgid unless the type is platform-level', () => {
      const required = (eventPartOf(messageOf(type))['required'] as string[] | undefined) ?? [];

      expect(required.includes('orgid')).toBe(!isPlatformEventType(type));
    });

    it('should list the fields, required fields and value sets of the class', () => {
      const schema = (eventPartOf(messageOf(type))['properties'] as Json)['data'] as Json;

      expect(compare(payloadClass, schema, 'data')).toEqual([]);
    });

    it('should only show examples that decode', () => {
      for (const example of messageOf(type).examples ?? []) {
        const result = decodeEvent(JSON.stringify(example.payload), type);
        expect(result.ok ? 'ok' : JSON.stringify(result)).toBe('ok');
      }
    });
  });
});
