import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldError } from './domain.error';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    return [
      ...Object.values(error.constraints ?? {}).map((message) => ({ field, message })),
      ...flattenValidationErrors(error.children ?? [], field),
    ];
  });
}

/** Thrown by the validation pipe; the problem filter turns it into a 400 listing every field. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super('The request body is invalid');
  }
}

/** Every body is validated: unknown fields refused, types converted, each bad field named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
