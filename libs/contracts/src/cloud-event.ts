import {
  Equals,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import type { EventType } from './topics';
import { ALL_EVENT_TYPES, isPlatformEventType } from './topics';
import { IsRfc3339DateTime } from './validation/contract-validators';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const EVENT_DATA_CONTENT_TYPE = 'application/json';
/** Kafka `content-type` header of a structured-mode CloudEvent (CloudEvents Kafka binding). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

// CloudEvents `source` is a URI-reference; CareLoop uses absolute paths like /careloop/feedback-service,
// and an integration may use an absolute URI (urn:..., https://...).
const uriReference = /^(?:[A-Za-z][A-Za-z0-9+.-]*:[^\s]+|\/[^\s]*)$/;
const dataVersion = /^[1-9][0-9]{0,5}$/;

/**
 * The CloudEvents 1.0 envelope of every message (structured mode, JSON), with two extension
 * attributes: `orgid` (the tenant) and `dataversion` (the payload schema version). The W3C
 * `traceparent` is not here: it travels as a Kafka header, set and read by libs/messaging.
 * `data` is only checked to be an object here; its class comes from the event registry.
 */
export class CloudEvent<T = unknown> {
  @IsUUID('all')
  id!: string;

  @IsString()
  @Length(1, 256)
  @Matches(uriReference, {
    message: 'source must be a URI-reference, e.g. /careloop/feedback-service',
  })
  source!: string;

  @IsIn(ALL_EVENT_TYPES)
  type!: EventType;

  @Equals(CLOUDEVENTS_SPEC_VERSION)
  specversion!: typeof CLOUDEVENTS_SPEC_VERSION;

  @IsRfc3339DateTime()
  time!: string;

  /** The aggregate id; also the Kafka message key, so one aggregate's events stay ordered. */
  @IsString()
  @Length(1, 256)
  subject!: string;

  @Equals(EVENT_DATA_CONTENT_TYPE)
  datacontenttype!: typeof EVENT_DATA_CONTENT_TYPE;

  @Matches(dataVersion, { message: 'dataversion must be a positive integer string, e.g. "1"' })
  dataversion!: string;

  /** Required for tenant events; optional for platform-level types (see PLATFORM_EVENT_TYPES). */
  @ValidateIf((event: CloudEvent) => event.orgid !== undefined || !isPlatformEventType(event.type))
  @IsUUID('all')
  orgid?: string;

  @IsObject()
  data!: T;
}
