import type { ValidationError } from 'class-validator';
import type { FieldError } from '../field-error';

/** Flattens class-validator's error tree into dotted paths, e.g. `data.patient.email`. */
export function toFieldErrors(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  const flat: FieldError[] = [];
  collect(errors, prefix, flat);
  return flat;
}

function collect(errors: readonly ValidationError[], prefix: string, into: FieldError[]): void {
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) into.push({ field, message });
    if (error.children !== undefined && error.children.length > 0)
      collect(error.children, field, into);
  }
}
