import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OrgSettingsV1 } from '@careloop/contracts';
import { flattenValidationErrors } from '@careloop/runtime';
import { UpdateOrgSettingsDto } from './dto/org-settings.dto';
import { canonicalSettings, defaultOrgSettings, settingsRuleViolations } from './org-settings';

function shapeErrors(body: Record<string, unknown>): string[] {
  const dto = plainToInstance(UpdateOrgSettingsDto, body);
  return flattenValidationErrors(
    validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }),
  ).map((error) => error.field);
}

describe('organization settings', () => {
  it('should start every organization with settings the event contract accepts', () => {
    const errors = validateSync(plainToInstance(OrgSettingsV1, defaultOrgSettings()));

    expect(errors).toEqual([]);
    expect(settingsRuleViolations(defaultOrgSettings())).toEqual([]);
  });

  it('should accept the defaults as a request body', () => {
    expect(shapeErrors({ ...defaultOrgSettings() })).toEqual([]);
  });

  it.each([
    [
      'a quiet hour that is no time',
      { quietHours: { start: '25:00', end: '08:00' } },
      'quietHours.start',
    ],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['an unknown channel', { enabledChannels: ['fax'] }, 'enabledChannels'],
    ['no channel', { enabledChannels: [] }, 'enabledChannels'],
    ['a negative delay', { invitationDelayMinutes: -5 }, 'invitationDelayMinutes'],
    ['suppression over a year', { resurveySuppressionDays: 400 }, 'resurveySuppressionDays'],
    ['a color name', { branding: { primaryColor: 'green' } }, 'branding.primaryColor'],
    [
      'an http logo',
      { branding: { primaryColor: '#112233', logoUrl: 'http://x.example.org/l.png' } },
      'branding.logoUrl',
    ],
    [
      'a duplicate recipient',
      { alertRecipients: ['a@example.org', 'A@example.org'] },
      'alertRecipients',
    ],
    ['a recipient that is no email', { alertRecipients: ['someone'] }, 'alertRecipients'],
    [
      '21 recipients',
      { alertRecipients: Array.from({ length: 21 }, (_, i) => `r${i}@example.org`) },
      'alertRecipients',
    ],
    ['a repeated language', { languages: ['en', 'en'] }, 'languages'],
    ['mfaRequired as a string', { mfaRequired: 'true' }, 'mfaRequired'],
    ['a phone region that is no country', { phoneRegion: 'XX' }, 'phoneRegion'],
    ['a phone region given as a name', { phoneRegion: 'France' }, 'phoneRegion'],
    ['a missing reminder', { reminder: undefined }, 'reminder'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('should refuse %s naming the field', (_case, override, field) => {
    expect(shapeErrors({ ...defaultOrgSettings(), ...override })).toContain(field);
  });

  it('should find a default language that is not offered', () => {
    const settings = { ...defaultOrgSettings(), defaultLanguage: 'fr', languages: ['en'] };

    expect(settingsRuleViolations(settings).map((violation) => violation.field)).toEqual([
      'languages',
    ]);
  });

  it('should find a reminder that would come after the link expired', () => {
    const settings = {
      ...defaultOrgSettings(),
      reminder: { enabled: true, afterHours: 72 },
      sessionLifetimeHours: 48,
    };

    expect(settingsRuleViolations(settings).map((violation) => violation.field)).toEqual([
      'reminder.afterHours',
    ]);
  });

  it('should allow any reminder delay when reminders are off', () => {
    const settings = {
      ...defaultOrgSettings(),
      reminder: { enabled: false, afterHours: 72 },
      sessionLifetimeHours: 48,
    };

    expect(settingsRuleViolations(settings)).toEqual([]);
  });

  it('should store colors and recipients in lower case and drop absent optional fields', () => {
    const canonical = canonicalSettings({
      ...defaultOrgSettings(),
      branding: { primaryColor: '#AABBCC' },
      alertRecipients: ['Quality@Clinic.example.org'],
    });

    expect(canonical.branding).toEqual({ primaryColor: '#aabbcc' });
    expect(canonical.alertRecipients).toEqual(['quality@clinic.example.org']);
    expect('senderName' in canonical).toBe(false);
    expect('phoneRegion' in canonical).toBe(false);
  });

  it('should store the phone region in upper case', () => {
    expect(canonicalSettings({ ...defaultOrgSettings(), phoneRegion: 'us' }).phoneRegion).toBe(
      'US',
    );
  });
});
