import { AppointmentCompletedV1 } from '@careloop/contracts';
import { plainToInstance } from 'class-transformer';
import type { ValidationError } from 'class-validator';
import { validateSync } from 'class-validator';
import type { IntakeFieldError } from './intake.types';
import { fieldError } from './intake.types';

// The same rules the outbox applies on produce: an item that passes here cannot make the
// outbox throw later (which would fail the whole batch with a 500).
const produceOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

function flatten(errors: readonly ValidationError[], prefix: string, into: string[][]): void {
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) into.push([field, message]);
    if (error.children !== undefined) flatten(error.children, field, into);
  }
}

/**
 * Checks a mapped appointment against the `appointment.completed` contract. `sourceFields` names,
 * per contract path, where the value came from (`appointment.endedAt` -> `PV1-45`), so the caller
 * reads its own field names in the error.
 */
export function validateAppointment(
  candidate: AppointmentCompletedV1,
  sourceFields: Readonly<Record<string, string>> = {},
  fieldPrefix = '',
): IntakeFieldError[] {
  const instance = plainToInstance(AppointmentCompletedV1, candidate);
  const found: string[][] = [];
  flatten(validateSync(instance, produceOptions), '', found);
  return found.map(([contractField = '', message = '']) => {
    const source = sourceFields[contractField];
    const field = source ?? `${fieldPrefix}${contractField}`;
    // class-validator words messages after the contract's property; say which source field it was.
    const text = source ? `${message} (contract field ${contractField})` : message;
    return fieldError(field, 'invalid-field', text);
  });
}
