import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { validateSync } from 'class-validator';
import { CloudEvent, CLOUDEVENTS_SPEC_VERSION, EVENT_DATA_CONTENT_TYPE } from './cloud-event';
import { ContractViolationError } from './contract-violation.error';
import type { EventDataOf, EventPayloadMap, PayloadClass } from './event-registry';
import { CURRENT_DATA_VERSION, orgIdOf, payloadClassOf, subjectOf } from './event-registry';
import type { FieldError } from './field-error';
import type { EventType } from './topics';
import { isEventType } from './topics';
import { toFieldErrors } from './validation/field-errors';

// Produce is strict: a field the contract does not declare is an error, which stops an entity
// spread into a payload from leaking columns (patient data) onto the bus.
const produceOptions: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

// Consume is tolerant of fields it does not know: adding an optional field is not a breaking
// change (no new dataversion), so an older consumer must accept a newer producer's payload.
const consumeOptions: ValidatorOptions = {
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

export interface BuildEventInput<K extends EventType> {
  /** URI-reference of the producer, e.g. /careloop/feedback-service. */
  source: string;
  /** The aggregate id (Kafka key). Defaults to the one the payload names; must agree with it. */
  subject?: string;
  /** The tenant. Defaults to the payload's orgId; must agree with it. */
  orgId?: string;
  data: EventPayloadMap[K];
  /** Set when the caller derives the id itself, so a retried command yields the same event. */
  id?: string;
  time?: Date;
}

/**
 * Wraps a payload in its envelope at the current dataversion, validating both. Throws
 * ContractViolationError (every broken rule, dotted paths like `data.patient.email`) when invalid.
 */
export function buildEvent<K extends EventType>(
  type: K,
  input: BuildEventInput<K>,
): CloudEvent<EventPayloadMap[K]> {
  if (!isEventType(type)) {
    throw new ContractViolationError(String(type), [
      { field: 'type', message: 'type must be a registered event type' },
    ]);
  }
  const dataversion = CURRENT_DATA_VERSION[type];
  const payloadClass = payloadClassOf(type, dataversion) as PayloadClass;
  const payload = toPayload(payloadClass, input.data);
  const errors: FieldError[] = payload.ok
    ? validatePayload(payload.data, produceOptions)
    : [...payload.errors];
  const valid = payload.ok && errors.length === 0 ? (payload.data as EventDataOf<K>) : undefined;

  const event = new CloudEvent<EventPayloadMap[K]>();
  event.id = input.id ?? randomUUID();
  event.source = input.source;
  event.type = type;
  event.specversion = CLOUDEVENTS_SPEC_VERSION;
  const time = input.time ?? new Date();
  // An Invalid Date becomes the string "Invalid Date", which the envelope then reports as `time`.
  event.time = Number.isNaN(time.getTime()) ? String(time) : time.toISOString();
  event.subject = input.subject ?? (valid !== undefined ? subjectOf(type, valid) : '');
  event.datacontenttype = EVENT_DATA_CONTENT_TYPE;
  event.dataversion = dataversion;
  const orgid = input.orgId ?? (valid !== undefined ? orgIdOf(type, valid) : undefined);
  if (orgid !== undefined) event.orgid = orgid;
  event.data = (payload.ok ? payload.data : input.data) as EventPayloadMap[K];

  const envelopeErrors = toFieldErrors(validateSync(event, produceOptions));
  // Subject and tenant default from the payload; when it is invalid its own errors say why, so
  // the envelope's complaints about data and those two defaults would only repeat them.
  const repeatsPayloadErrors = (field: string): boolean =>
    valid === undefined &&
    ((field === 'data' && !payload.ok) ||
      (field === 'subject' && input.subject === undefined) ||
      (field === 'orgid' && input.orgId === undefined));
  errors.unshift(...envelopeErrors.filter((e) => !repeatsPayloadErrors(e.field)));
  if (errors.length === 0 && payload.ok) errors.push(...crossCheck(type, event, payload.data));
  if (errors.length > 0) throw new ContractViolationError(type, errors);
  return event;
}

export type DecodeFailureReason =
  | 'not-json'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'unknown-version'
  | 'invalid-payload'
  | 'type-mismatch';

/** A decoded event of type K whose data is an instance of one of K's registered payload classes. */
export type DecodedEvent<K extends EventType = EventType> = {
  [P in K]: CloudEvent<EventDataOf<P>> & { type: P };
}[K];

export interface DecodeFailure {
  ok: false;
  reason: DecodeFailureReason;
  detail: string;
  errors?: FieldError[];
  /** The event id, when it could be read: for logs and the dead-letter record. */
  eventId?: string;
  /** The event type, when it could be read. */
  type?: string;
}

export type DecodeResult<K extends EventType = EventType> =
  { ok: true; event: DecodedEvent<K> } | DecodeFailure;

const envelopeAttributes = [
  'id',
  'source',
  'type',
  'specversion',
  'time',
  'subject',
  'datacontenttype',
  'dataversion',
  'orgid',
  'data',
] as const;

/**
 * Parses and validates a Kafka message value (structured-mode CloudEvent, JSON). Never throws on
 * bad input: a failure names its reason so the consumer can dead-letter it. With `expectedType`
 * (the event type of the topic consumed), an event of another type is a `type-mismatch`.
 */
export function decodeEvent<K extends EventType>(
  raw: Buffer | string | null | undefined,
  expectedType: K,
): DecodeResult<K>;
export function decodeEvent(
  raw: Buffer | string | null | undefined,
  expectedType?: string,
): DecodeResult;
export function decodeEvent(
  raw: Buffer | string | null | undefined,
  expectedType?: string,
): DecodeResult {
  try {
    return decodeUnsafe(raw, expectedType);
  } catch (error) {
    // Validators are pure, but a pathological payload must still never crash a consumer loop.
    return failure('invalid-payload', `payload could not be validated: ${String(error)}`);
  }
}

function decodeUnsafe(
  raw: Buffer | string | null | undefined,
  expectedType?: string,
): DecodeResult {
  if (raw === null || raw === undefined || raw.length === 0) {
    return failure('not-json', 'the message has no value (a tombstone or an empty message)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    return failure('not-json', `the message value is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(parsed)) {
    return failure('invalid-envelope', 'the message value is not a JSON object');
  }
  const eventId = typeof parsed['id'] === 'string' ? parsed['id'] : undefined;
  const type = parsed['type'];
  const known = { eventId, type: typeof type === 'string' ? type : undefined };

  if (typeof type !== 'string' || type.length === 0) {
    return failure('invalid-envelope', 'the event has no type', known, [
      { field: 'type', message: 'type must be a non-empty string' },
    ]);
  }
  if (expectedType !== undefined && type !== expectedType) {
    return failure(
      'type-mismatch',
      `expected an event of type ${expectedType}, got ${type}`,
      known,
    );
  }
  if (!isEventType(type)) {
    return failure('unknown-type', `no contract is registered for event type ${type}`, known);
  }

  // Copy only the envelope attributes: unknown extension attributes are ignored, and no key of
  // the input (e.g. "__proto__") is ever assigned onto the instance.
  const event = new CloudEvent<object>();
  const target = event as unknown as Record<string, unknown>;
  for (const attribute of envelopeAttributes) {
    if (Object.prototype.hasOwnProperty.call(parsed, attribute))
      target[attribute] = parsed[attribute];
  }
  const envelopeErrors = toFieldErrors(validateSync(event, consumeOptions));
  if (envelopeErrors.length > 0) {
    return failure(
      'invalid-envelope',
      'the CloudEvents envelope is invalid',
      known,
      envelopeErrors,
    );
  }

  const payloadClass = payloadClassOf(type, event.dataversion);
  if (payloadClass === undefined) {
    return failure(
      'unknown-version',
      `dataversion ${event.dataversion} of ${type} is not known to this consumer`,
      known,
    );
  }
  const payload = toPayload(payloadClass, event.data);
  const payloadErrors = payload.ok ? validatePayload(payload.data, consumeOptions) : payload.errors;
  if (!payload.ok || payloadErrors.length > 0) {
    return failure(
      'invalid-payload',
      `the data of ${type} v${event.dataversion} breaks its contract`,
      known,
      payloadErrors,
    );
  }
  const crossErrors = crossCheck(type, event, payload.data);
  if (crossErrors.length > 0) {
    return failure('invalid-envelope', 'the envelope disagrees with its data', known, crossErrors);
  }
  event.data = payload.data;
  return { ok: true, event: event as DecodedEvent };
}

/** Serializes an event as a structured-mode CloudEvent (JSON, UTF-8): the Kafka message value. */
export function encodeEvent(event: CloudEvent<unknown>): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

type PayloadConversion = { ok: true; data: object } | { ok: false; errors: FieldError[] };

function toPayload(payloadClass: PayloadClass, data: unknown): PayloadConversion {
  if (!isJsonObject(data)) {
    return { ok: false, errors: [{ field: 'data', message: 'data must be an object' }] };
  }
  // One plainToInstance per payload: it builds the nested instances @ValidateNested needs.
  return { ok: true, data: plainToInstance(payloadClass, data) };
}

function validatePayload(payload: object, options: ValidatorOptions): FieldError[] {
  return toFieldErrors(validateSync(payload, options), 'data');
}

/** The envelope's subject and tenant must be the ones the payload names. */
function crossCheck(type: EventType, event: CloudEvent<unknown>, data: object): FieldError[] {
  const errors: FieldError[] = [];
  const subject = subjectOf(type, data as never);
  if (event.subject !== subject) {
    errors.push({
      field: 'subject',
      message: `subject must be the aggregate id the data names (${subject})`,
    });
  }
  const orgId = orgIdOf(type, data as never);
  if (orgId !== undefined && event.orgid !== orgId) {
    errors.push({
      field: 'orgid',
      message: `orgid must be the organization the data names (${orgId})`,
    });
  }
  return errors;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function failure(
  reason: DecodeFailureReason,
  detail: string,
  known: { eventId?: string; type?: string } = {},
  errors?: FieldError[],
): DecodeFailure {
  const result: DecodeFailure = { ok: false, reason, detail };
  if (errors !== undefined && errors.length > 0) result.errors = errors;
  if (known.eventId !== undefined) result.eventId = known.eventId;
  if (known.type !== undefined) result.type = known.type;
  return result;
}
