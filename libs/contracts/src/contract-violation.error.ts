import type { FieldError } from './field-error';

const listedErrors = 5;

/** Thrown on produce when an event breaks its contract; nothing invalid ever reaches the outbox. */
export class ContractViolationError extends Error {
  constructor(
    readonly eventType: string,
    readonly errors: FieldError[],
  ) {
    const listed = errors.slice(0, listedErrors).map((e) => `${e.field}: ${e.message}`);
    const more = errors.length > listedErrors ? `; and ${errors.length - listedErrors} more` : '';
    super(`Event ${eventType} breaks its contract: ${listed.join('; ')}${more}`);
    this.name = 'ContractViolationError';
  }
}
