/** Value sets shared by several payloads. Arrays, so class-validator's IsIn and the types share one list. */

export const DELIVERY_CHANNELS = ['email', 'sms'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const ORG_ROLES = ['org_admin', 'survey_editor', 'analyst', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Why an appointment got no invitation. */
export const SESSION_SKIP_REASONS = [
  'opted_out',
  'no_contact',
  'suppressed',
  'not_sampled',
  'no_matching_rule',
  'duplicate',
] as const;
export type SessionSkipReason = (typeof SESSION_SKIP_REASONS)[number];

export const ALERT_SEVERITIES = ['low', 'medium', 'high'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What a delivery was for; the same delivery pipeline carries patient and staff messages. */
export const NOTIFICATION_PURPOSES = ['invitation', 'reminder', 'alert', 'org_invitation'] as const;
export type NotificationPurpose = (typeof NOTIFICATION_PURPOSES)[number];

export const BOUNCE_TYPES = ['hard', 'soft', 'complaint'] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

export const QUESTION_KINDS = [
  'nps',
  'csat',
  'rating',
  'single_choice',
  'multiple_choice',
  'boolean',
  'text',
  'date',
  'matrix',
  'other',
] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const AUDIT_ACTOR_TYPES = ['user', 'integration', 'patient', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Field length limits, shared so HTTP DTOs can reject what an event could not carry. */
export const FieldLimits = {
  externalId: 128,
  name: 200,
  email: 254,
  label: 128,
  text: 1_000,
} as const;
