/**
 * Every domain event type of the mesh. An event type is also its Kafka topic name (DESIGN.md §2),
 * so this object is the one list of topics; scripts/infra/topics.txt mirrors it for the shell.
 */
export const EventTypes = {
  AppointmentCompleted: 'appointment.completed',
  FeedbackSessionCreated: 'feedback.session.created',
  FeedbackSessionSkipped: 'feedback.session.skipped',
  FeedbackSessionExpired: 'feedback.session.expired',
  SurveyResponseSubmitted: 'survey.response.submitted',
  FeedbackAlertRaised: 'feedback.alert.raised',
  PatientErasureRequested: 'patient.erasure.requested',
  PatientErasureProgressed: 'patient.erasure.progressed',
  SurveyPublished: 'survey.published',
  SurveyArchived: 'survey.archived',
  OrgCreated: 'org.created',
  OrgSettingsUpdated: 'org.settings.updated',
  OrgMembershipGranted: 'org.membership.granted',
  OrgMembershipRevoked: 'org.membership.revoked',
  OrgInvitationCreated: 'org.invitation.created',
  IdentityRegistered: 'identity.registered',
  IdentityErased: 'identity.erased',
  NotificationSent: 'notification.sent',
  NotificationFailed: 'notification.failed',
  NotificationBounced: 'notification.bounced',
  AuditLogged: 'audit.logged',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export const ALL_EVENT_TYPES: readonly EventType[] = Object.freeze(Object.values(EventTypes));

/**
 * Event types that belong to no tenant. An identity exists before and across organizations (one
 * person may hold memberships in several), so its events may carry no `orgid`; every other event
 * is about exactly one organization and must name it.
 */
export const PLATFORM_EVENT_TYPES: readonly EventType[] = Object.freeze([
  EventTypes.IdentityRegistered,
  EventTypes.IdentityErased,
]);

const eventTypeSet: ReadonlySet<string> = new Set(ALL_EVENT_TYPES);
const platformEventTypeSet: ReadonlySet<string> = new Set(PLATFORM_EVENT_TYPES);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && eventTypeSet.has(value);
}

export function isPlatformEventType(type: string): boolean {
  return platformEventTypeSet.has(type);
}

export const DEAD_LETTER_SUFFIX = '.dlq';

/** The dead-letter topic of a topic: a message that keeps failing is parked there with its error. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}
