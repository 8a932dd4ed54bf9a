import { AppointmentCompletedV1 } from './events/appointment-completed.event';
import { AuditLoggedV1 } from './events/audit-logged.event';
import { FeedbackAlertRaisedV1 } from './events/feedback-alert-raised.event';
import {
  FeedbackSessionCreatedV1,
  FeedbackSessionExpiredV1,
  FeedbackSessionSkippedV1,
} from './events/feedback-session.events';
import { IdentityErasedV1, IdentityRegisteredV1 } from './events/identity.events';
import {
  NotificationBouncedV1,
  NotificationFailedV1,
  NotificationSentV1,
} from './events/notification.events';
import {
  OrgCreatedV1,
  OrgInvitationCreatedV1,
  OrgMembershipGrantedV1,
  OrgMembershipRevokedV1,
  OrgSettingsUpdatedV1,
} from './events/org.events';
import { PatientErasureProgressedV1 } from './events/patient-erasure-progressed.event';
import { PatientErasureRequestedV1 } from './events/patient-erasure-requested.event';
import { SurveyArchivedV1, SurveyPublishedV1 } from './events/survey.events';
import { SurveyResponseSubmittedV1 } from './events/survey-response-submitted.event';
import type { EventType } from './topics';
import { EventTypes } from './topics';

/** A payload class: class-validator decorated, constructible without arguments (class-transformer). */
export type PayloadClass<T extends object = object> = new () => T;

type VersionMap = Readonly<Record<string, PayloadClass>>;
type DataOf<V extends VersionMap> = InstanceType<V[keyof V]>;

interface EventDefinition<V extends VersionMap, C extends keyof V & string> {
  /** The version producers write. Consumers accept every version in `versions`. */
  readonly currentVersion: C;
  readonly versions: V;
  /** The aggregate id: the CloudEvents subject and the Kafka key (one aggregate's events stay ordered). */
  readonly subjectOf: (data: DataOf<V>) => string;
  /** The tenant named by the payload; the envelope's `orgid` must agree with it. */
  readonly orgIdOf: (data: DataOf<V>) => string | undefined;
}

// The loose shape every entry satisfies; `never` parameters accept every entry's own data type.
interface AnyEventDefinition {
  readonly currentVersion: string;
  readonly versions: VersionMap;
  readonly subjectOf: (data: never) => string;
  readonly orgIdOf: (data: never) => string | undefined;
}

function defineEvent<V extends VersionMap, C extends keyof V & string>(
  definition: EventDefinition<V, C>,
): EventDefinition<V, C> {
  return definition;
}

/**
 * (type, dataversion) -> payload class. A breaking payload change adds a version here and moves
 * `currentVersion`; the old class stays as long as any consumer may still read old events.
 */
const EVENT_REGISTRY = {
  [EventTypes.AppointmentCompleted]: defineEvent({
    currentVersion: '1',
    versions: { '1': AppointmentCompletedV1 },
    subjectOf: (data) => data.externalAppointmentId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.FeedbackSessionCreated]: defineEvent({
    currentVersion: '1',
    versions: { '1': FeedbackSessionCreatedV1 },
    subjectOf: (data) => data.sessionId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.FeedbackSessionSkipped]: defineEvent({
    currentVersion: '1',
    versions: { '1': FeedbackSessionSkippedV1 },
    subjectOf: (data) => data.sessionId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.FeedbackSessionExpired]: defineEvent({
    currentVersion: '1',
    versions: { '1': FeedbackSessionExpiredV1 },
    subjectOf: (data) => data.sessionId,
    orgIdOf: (data) => data.orgId,
  }),
  // Keyed by session, not by response: a session's events (created, submitted, expired) share a key.
  [EventTypes.SurveyResponseSubmitted]: defineEvent({
    currentVersion: '1',
    versions: { '1': SurveyResponseSubmittedV1 },
    subjectOf: (data) => data.sessionId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.FeedbackAlertRaised]: defineEvent({
    currentVersion: '1',
    versions: { '1': FeedbackAlertRaisedV1 },
    subjectOf: (data) => data.alertId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.PatientErasureRequested]: defineEvent({
    currentVersion: '1',
    versions: { '1': PatientErasureRequestedV1 },
    subjectOf: (data) => data.erasureRequestId,
    orgIdOf: (data) => data.orgId,
  }),
  // Keyed by the request, like the request itself: one request's reports stay in order.
  [EventTypes.PatientErasureProgressed]: defineEvent({
    currentVersion: '1',
    versions: { '1': PatientErasureProgressedV1 },
    subjectOf: (data) => data.erasureRequestId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.SurveyPublished]: defineEvent({
    currentVersion: '1',
    versions: { '1': SurveyPublishedV1 },
    subjectOf: (data) => data.surveyId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.SurveyArchived]: defineEvent({
    currentVersion: '1',
    versions: { '1': SurveyArchivedV1 },
    subjectOf: (data) => data.surveyId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.OrgCreated]: defineEvent({
    currentVersion: '1',
    versions: { '1': OrgCreatedV1 },
    subjectOf: (data) => data.orgId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.OrgSettingsUpdated]: defineEvent({
    currentVersion: '1',
    versions: { '1': OrgSettingsUpdatedV1 },
    subjectOf: (data) => data.orgId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.OrgMembershipGranted]: defineEvent({
    currentVersion: '1',
    versions: { '1': OrgMembershipGrantedV1 },
    subjectOf: (data) => data.membershipId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.OrgMembershipRevoked]: defineEvent({
    currentVersion: '1',
    versions: { '1': OrgMembershipRevokedV1 },
    subjectOf: (data) => data.membershipId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.OrgInvitationCreated]: defineEvent({
    currentVersion: '1',
    versions: { '1': OrgInvitationCreatedV1 },
    subjectOf: (data) => data.invitationId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.IdentityRegistered]: defineEvent({
    currentVersion: '1',
    versions: { '1': IdentityRegisteredV1 },
    subjectOf: (data) => data.identityId,
    orgIdOf: (data) => data.organization?.orgId,
  }),
  [EventTypes.IdentityErased]: defineEvent({
    currentVersion: '1',
    versions: { '1': IdentityErasedV1 },
    subjectOf: (data) => data.identityId,
    orgIdOf: () => undefined,
  }),
  [EventTypes.NotificationSent]: defineEvent({
    currentVersion: '1',
    versions: { '1': NotificationSentV1 },
    subjectOf: (data) => data.deliveryId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.NotificationFailed]: defineEvent({
    currentVersion: '1',
    versions: { '1': NotificationFailedV1 },
    subjectOf: (data) => data.deliveryId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.NotificationBounced]: defineEvent({
    currentVersion: '1',
    versions: { '1': NotificationBouncedV1 },
    subjectOf: (data) => data.deliveryId,
    orgIdOf: (data) => data.orgId,
  }),
  [EventTypes.AuditLogged]: defineEvent({
    currentVersion: '1',
    versions: { '1': AuditLoggedV1 },
    subjectOf: (data) => data.auditId,
    orgIdOf: (data) => data.orgId,
  }),
} as const satisfies Record<EventType, AnyEventDefinition>;

type EventRegistry = typeof EVENT_REGISTRY;

/** The current payload version of each event type, as producers write it. */
export type CurrentDataVersionMap = { [K in EventType]: EventRegistry[K]['currentVersion'] };

/** Event type -> payload of its current version: types `append(manager, 'survey.published', payload)`. */
export type EventPayloadMap = {
  [K in EventType]: InstanceType<EventRegistry[K]['versions'][EventRegistry[K]['currentVersion']]>;
};

/** Event type -> payload of any version a consumer may receive (a union once a type has two versions). */
export type EventDataOf<K extends EventType> = DataOf<EventRegistry[K]['versions']>;

export const CURRENT_DATA_VERSION: Readonly<CurrentDataVersionMap> = Object.freeze(
  Object.fromEntries(
    Object.entries(EVENT_REGISTRY).map(([type, definition]) => [type, definition.currentVersion]),
  ) as CurrentDataVersionMap,
);

function definitionOf(type: string): AnyEventDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_REGISTRY, type)
    ? (EVENT_REGISTRY as Record<string, AnyEventDefinition>)[type]
    : undefined;
}

/** The payload class of (type, dataversion), or undefined when either is unknown. */
export function payloadClassOf(type: string, dataversion: string): PayloadClass | undefined {
  const versions = definitionOf(type)?.versions;
  if (versions === undefined || !Object.prototype.hasOwnProperty.call(versions, dataversion)) {
    return undefined;
  }
  return versions[dataversion];
}

/** Every payload version of a type consumers accept, oldest first; empty for an unknown type. */
export function knownDataVersionsOf(type: string): string[] {
  const versions = definitionOf(type)?.versions ?? {};
  return Object.keys(versions).sort((a, b) => Number(a) - Number(b));
}

/** The aggregate id of a (valid) payload: what the envelope's subject and the Kafka key must be. */
export function subjectOf<K extends EventType>(type: K, data: EventDataOf<K>): string {
  return (EVENT_REGISTRY[type].subjectOf as (data: EventDataOf<K>) => string)(data);
}

/** The tenant a (valid) payload names, if any. */
export function orgIdOf<K extends EventType>(type: K, data: EventDataOf<K>): string | undefined {
  return (EVENT_REGISTRY[type].orgIdOf as (data: EventDataOf<K>) => string | undefined)(data);
}
