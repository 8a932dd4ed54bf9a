import { DomainError } from '@careloop/runtime';

export const ErasureErrorCode = {
  NotFound: 'erasure.not-found',
} as const;

export function erasureNotFound(): DomainError {
  return new DomainError('not-found', ErasureErrorCode.NotFound, 'No such erasure request');
}
