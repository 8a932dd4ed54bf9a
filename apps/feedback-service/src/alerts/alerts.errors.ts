import type { FieldError } from '@careloop/contracts';
import { DomainError } from '@careloop/runtime';

export const AlertErrorCode = {
  RuleNotFound: 'alerts.rule-not-found',
  RuleCannotMatch: 'alerts.rule-cannot-match',
} as const;

export function ruleNotFound(): DomainError {
  return new DomainError('not-found', AlertErrorCode.RuleNotFound, 'No such alert rule');
}

/** A well-formed rule that could never fire: refused rather than silently never alerting. */
export function ruleCannotMatch(errors: FieldError[]): DomainError {
  return new DomainError(
    'rule-violation',
    AlertErrorCode.RuleCannotMatch,
    'The alert rule could never match a response; see errors',
    errors,
  );
}
