import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { sampleEventData } from '../spec-fixtures/event-samples';
import { OrgSettingsV1 } from './org.events';

const validSettings = sampleEventData['org.created'].settings;

function problemsOf(overrides: Record<string, unknown>): string[] {
  const settings = plainToInstance(OrgSettingsV1, { ...validSettings, ...overrides });
  return validateSync(settings).flatMap((error) => [
    error.property,
    ...(error.children ?? []).map((child) => `${error.property}.${child.property}`),
  ]);
}

describe(OrgSettingsV1.name, () => {
  it('should accept the sample settings', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each([
    ['languages without the default language', { languages: ['en'] }, 'languages'],
    ['no language', { languages: [] }, 'languages'],
    ['a repeated language', { languages: ['fr', 'fr'] }, 'languages'],
    ['a malformed language', { languages: ['fr', 'english!'] }, 'languages'],
    ['suppression beyond a year', { resurveySuppressionDays: 366 }, 'resurveySuppressionDays'],
    ['negative suppression', { resurveySuppressionDays: -1 }, 'resurveySuppressionDays'],
    ['a short color', { branding: { primaryColor: '#fff' } }, 'branding.primaryColor'],
    [
      'an http logo',
      { branding: { primaryColor: '#ffffff', logoUrl: 'http://example.org/logo.png' } },
      'branding.logoUrl',
    ],
    [
      'the same recipient twice in two cases',
      { alertRecipients: ['a@example.org', 'A@example.org'] },
      'alertRecipients',
    ],
    [
      'more than 20 recipients',
      { alertRecipients: Array.from({ length: 21 }, (_, index) => `r${index}@example.org`) },
      'alertRecipients',
    ],
    ['a recipient that is no email', { alertRecipients: ['nobody'] }, 'alertRecipients'],
    ['mfaRequired that is no boolean', { mfaRequired: 'yes' }, 'mfaRequired'],
    ['no mfaRequired', { mfaRequired: undefined }, 'mfaRequired'],
  ])('should refuse %s', (_case, overrides, field) => {
    expect(problemsOf(overrides)).toContain(field);
  });

  it('should accept branding without a logo and no alert recipients', () => {
    expect(problemsOf({ branding: { primaryColor: '#A1B2C3' }, alertRecipients: [] })).toEqual([]);
  });
});
