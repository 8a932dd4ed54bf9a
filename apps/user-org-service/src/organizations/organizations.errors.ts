import type { FieldError } from '@careloop/contracts';
import { DomainError } from '@careloop/runtime';

export const OrganizationErrors = {
  notFound: () => new DomainError('not-found', 'organization.not-found', 'No such organization'),
  settingsRulesBroken: (violations: FieldError[]) =>
    new DomainError(
      'rule-violation',
      'organization.settings-invalid',
      'The settings are well-formed but break a rule between fields',
      violations,
    ),
};
