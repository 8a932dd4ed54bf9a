// class-transformer's @Type needs the Reflect metadata API at runtime.
import 'reflect-metadata';
import { memoizeValidationMetadata } from './validation/validation-metadata.cache';

// Every service validates its DTOs and events through class-validator; make its look-ups O(1) once.
memoizeValidationMetadata();

export {
  ALL_EVENT_TYPES,
  DEAD_LETTER_SUFFIX,
  deadLetterTopicOf,
  EventTypes,
  isEventType,
  isPlatformEventType,
  PLATFORM_EVENT_TYPES,
} from './topics';
export type { EventType } from './topics';

export {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  CloudEvent,
  EVENT_DATA_CONTENT_TYPE,
} from './cloud-event';

export {
  CURRENT_DATA_VERSION,
  knownDataVersionsOf,
  orgIdOf,
  payloadClassOf,
  subjectOf,
} from './event-registry';
export type {
  CurrentDataVersionMap,
  EventDataOf,
  EventPayloadMap,
  PayloadClass,
} from './event-registry';

export { buildEvent, decodeEvent, encodeEvent } from './event-codec';
export type {
  BuildEventInput,
  DecodedEvent,
  DecodeFailure,
  DecodeFailureReason,
  DecodeResult,
} from './event-codec';

export { ContractViolationError } from './contract-violation.error';
export type { FieldError } from './field-error';

export {
  IsE164Phone,
  IsIanaTimeZone,
  IsLanguageTag,
  IsNotBefore,
  IsNotFutureYear,
  IsOptionalField,
  IsPlainRecord,
  IsRfc3339DateTime,
  isE164Phone,
  isIanaTimeZone,
  isLanguageTag,
  isPlainRecord,
  isRfc3339DateTime,
} from './validation/contract-validators';
export type { PlainRecordLimits } from './validation/contract-validators';

export {
  ALERT_SEVERITIES,
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  BOUNCE_TYPES,
  DELIVERY_CHANNELS,
  FieldLimits,
  NOTIFICATION_PURPOSES,
  ORG_ROLES,
  QUESTION_KINDS,
  SESSION_SKIP_REASONS,
} from './events/event-values';
export type {
  AlertSeverity,
  AuditActorType,
  AuditOutcome,
  BounceType,
  DeliveryChannel,
  NotificationPurpose,
  OrgRole,
  QuestionKind,
  SessionSkipReason,
} from './events/event-values';

export {
  AppointmentCompletedV1,
  AppointmentDetailsV1,
  AppointmentPatientV1,
} from './events/appointment-completed.event';
export {
  FeedbackSessionCreatedV1,
  FeedbackSessionExpiredV1,
  FeedbackSessionSkippedV1,
  SessionRecipientV1,
} from './events/feedback-session.events';
export { AnswerLimits, SurveyResponseSubmittedV1 } from './events/survey-response-submitted.event';
export { AlertTriggerV1, FeedbackAlertRaisedV1 } from './events/feedback-alert-raised.event';
export { PatientErasureRequestedV1 } from './events/patient-erasure-requested.event';
export {
  ERASURE_PROGRESS_STATUSES,
  PatientErasureProgressedV1,
} from './events/patient-erasure-progressed.event';
export type { ErasureProgressStatus } from './events/patient-erasure-progressed.event';
export {
  DistributionMatchV1,
  DistributionRuleV1,
  SurveyArchivedV1,
  SurveyPublishedV1,
  SurveyQuestionV1,
} from './events/survey.events';
export {
  OrgCreatedV1,
  OrgInvitationCreatedV1,
  OrgMembershipGrantedV1,
  OrgMembershipRevokedV1,
  OrgSettingsUpdatedV1,
  OrgSettingsV1,
  QuietHoursV1,
  ReminderSettingsV1,
} from './events/org.events';
export {
  IdentityErasedV1,
  IdentityRegisteredV1,
  RegisteredOrganizationV1,
} from './events/identity.events';
export {
  NotificationBouncedV1,
  NotificationFailedV1,
  NotificationSentV1,
} from './events/notification.events';
export { AuditLoggedV1, AuditTargetV1 } from './events/audit-logged.event';

export { PROBLEM_JSON_CONTENT_TYPE } from './http/problem-details';
export type { ProblemDetails } from './http/problem-details';
export type { CursorPage } from './http/pagination';
