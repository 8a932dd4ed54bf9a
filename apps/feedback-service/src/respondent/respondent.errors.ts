import type { FieldError } from '@careloop/contracts';
import { DomainError } from '@careloop/runtime';

export const RespondentErrorCode = {
  LinkNotFound: 'respondent.link-not-found',
  AlreadySubmitted: 'respondent.already-submitted',
  AnswersInvalid: 'respondent.answers-invalid',
} as const;

/** Unknown, expired, tampered or replaced: one answer, so a link reveals nothing about others. */
export function linkNotFound(): DomainError {
  return new DomainError(
    'not-found',
    RespondentErrorCode.LinkNotFound,
    'No survey is available at this link',
  );
}

export function alreadySubmitted(): DomainError {
  return new DomainError(
    'conflict',
    RespondentErrorCode.AlreadySubmitted,
    'This survey has already been answered with different answers',
  );
}

export function answersInvalid(errors: FieldError[]): DomainError {
  const questions = [...new Set(errors.map((error) => error.field.replace(/^answers\./, '')))];
  return new DomainError(
    'rule-violation',
    RespondentErrorCode.AnswersInvalid,
    `The answers do not fit the survey: ${questions.join(', ')}`,
    errors,
  );
}
