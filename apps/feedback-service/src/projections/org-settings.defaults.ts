import type { OrgSettingsV1 } from '@careloop/contracts';

/**
 * Used for an organization whose `org.created` has not arrived yet (topics are consumed
 * independently): the same defaults user-org-service gives a new organization.
 */
export const DEFAULT_ORG_SETTINGS: OrgSettingsV1 = {
  timezone: 'UTC',
  defaultLanguage: 'en',
  languages: ['en'],
  invitationDelayMinutes: 120,
  quietHours: { start: '21:00', end: '08:00' },
  reminder: { enabled: true, afterHours: 48 },
  sessionLifetimeHours: 168,
  enabledChannels: ['email', 'sms'],
  resurveySuppressionDays: 30,
  branding: { primaryColor: '#0b6e4f' },
  alertRecipients: [],
  mfaRequired: false,
};
