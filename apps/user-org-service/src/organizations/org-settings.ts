import type { FieldError, OrgSettingsV1 } from '@careloop/contracts';

/** What a new organization starts with; every value can be changed by its admins. */
export function defaultOrgSettings(): OrgSettingsV1 {
  return {
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
}

/**
 * Rules between fields of well-formed settings (shapes are the DTO's job, a 400): what breaks one
 * of these is a 422, each named by field.
 */
export function settingsRuleViolations(settings: OrgSettingsV1): FieldError[] {
  const violations: FieldError[] = [];
  if (!settings.languages.includes(settings.defaultLanguage)) {
    violations.push({
      field: 'languages',
      message: `languages must include the default language ${settings.defaultLanguage}`,
    });
  }
  if (settings.reminder.enabled && settings.reminder.afterHours >= settings.sessionLifetimeHours) {
    violations.push({
      field: 'reminder.afterHours',
      message: 'a reminder must be sent before the respondent link expires (sessionLifetimeHours)',
    });
  }
  return violations;
}

/** Settings as stored and published: a canonical copy, without fields nobody set. */
export function canonicalSettings(settings: OrgSettingsV1): OrgSettingsV1 {
  const canonical: OrgSettingsV1 = {
    timezone: settings.timezone,
    defaultLanguage: settings.defaultLanguage,
    languages: [...settings.languages],
    invitationDelayMinutes: settings.invitationDelayMinutes,
    quietHours: { start: settings.quietHours.start, end: settings.quietHours.end },
    reminder: { enabled: settings.reminder.enabled, afterHours: settings.reminder.afterHours },
    sessionLifetimeHours: settings.sessionLifetimeHours,
    enabledChannels: [...settings.enabledChannels],
    resurveySuppressionDays: settings.resurveySuppressionDays,
    branding: { primaryColor: settings.branding.primaryColor.toLowerCase() },
    alertRecipients: settings.alertRecipients.map((email) => email.toLowerCase()),
    mfaRequired: settings.mfaRequired,
  };
  if (settings.branding.logoUrl !== undefined)
    canonical.branding.logoUrl = settings.branding.logoUrl;
  if (settings.senderName !== undefined) canonical.senderName = settings.senderName;
  if (settings.phoneRegion !== undefined)
    canonical.phoneRegion = settings.phoneRegion.toUpperCase();
  return canonical;
}
