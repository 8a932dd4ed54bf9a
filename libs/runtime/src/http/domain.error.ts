export type DomainErrorKind =
  'not-found' | 'conflict' | 'rule-violation' | 'forbidden' | 'unauthorized' | 'too-many-requests';

export type { FieldError } from '@careloop/contracts';
import type { FieldError } from '@careloop/contracts';

/**
 * Services throw these, never HttpException: the domain says what went wrong and one filter decides
 * the HTTP status and the problem+json body.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable machine-readable code, e.g. `session.already-submitted`; becomes the problem `type`. */
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const statusOfDomainError: Record<DomainErrorKind, number> = {
  'not-found': 404,
  conflict: 409,
  'rule-violation': 422,
  forbidden: 403,
  unauthorized: 401,
  'too-many-requests': 429,
};
