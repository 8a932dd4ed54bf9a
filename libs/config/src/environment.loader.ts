import { plainToInstance } from 'class-transformer';
import type { ValidationError } from 'class-validator';
import { validateSync } from 'class-validator';

export interface EnvironmentProblem {
  variable: string;
  reason: string;
}

/** Thrown when the environment does not satisfy a service's environment class. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: EnvironmentProblem[]) {
    super('Invalid environment: ' + problems.map((p) => `${p.variable}: ${p.reason}`).join('; '));
    this.name = 'InvalidEnvironmentError';
  }
}

function flatten(errors: ValidationError[]): EnvironmentProblem[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((reason) => ({
      variable: error.property,
      reason,
    })),
    ...flatten(error.children ?? []),
  ]);
}

/**
 * The one configuration loader: reads variables into a class-validator class, converting strings
 * to the declared property types, and refuses to go on when any variable is missing or invalid.
 */
export function loadEnvironment<T extends object>(
  environmentClass: new () => T,
  source: NodeJS.ProcessEnv = process.env,
): T {
  const instance = plainToInstance(
    environmentClass,
    { ...source },
    {
      enableImplicitConversion: true,
      exposeDefaultValues: true,
    },
  );
  const errors = validateSync(instance, { whitelist: true, skipMissingProperties: false });
  if (errors.length > 0) throw new InvalidEnvironmentError(flatten(errors));
  return instance;
}
