import type { ValidationArguments, ValidationOptions } from 'class-validator';
import { buildMessage, isISO8601, ValidateBy, ValidateIf } from 'class-validator';

// RFC 3339 `date-time` with a mandatory offset: an instant. ISO 8601 alone also admits local times
// ("2024-05-01T10:00") and bare dates, which are ambiguous across time zones, so they are refused.
const rfc3339DateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function isRfc3339DateTime(value: unknown): value is string {
  // isISO8601 strict rejects impossible calendar dates such as 2024-02-30.
  return (
    typeof value === 'string' && rfc3339DateTime.test(value) && isISO8601(value, { strict: true })
  );
}

export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339DateTime',
      validator: {
        validate: (value: unknown) => isRfc3339DateTime(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an RFC 3339 date-time with an offset, e.g. 2024-05-01T08:30:00Z`,
          options,
        ),
      },
    },
    options,
  );
}

// Intl accepts far more than IANA names in some runtimes (offsets like "+01:00" in newer ICU), and
// building a DateTimeFormat costs tens of microseconds, so names are shape-checked and memoized.
const ianaTimeZoneShape = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const timeZoneVerdicts = new Map<string, boolean>();
const maxRememberedTimeZones = 2_000;

export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64 || !ianaTimeZoneShape.test(value))
    return false;
  const known = timeZoneVerdicts.get(value);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  if (timeZoneVerdicts.size < maxRememberedTimeZones) timeZoneVerdicts.set(value, valid);
  return valid;
}

export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIanaTimeZone',
      validator: {
        validate: (value: unknown) => isIanaTimeZone(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an IANA time zone, e.g. Europe/Paris`,
          options,
        ),
      },
    },
    options,
  );
}

// Contact data crosses the mesh normalized: intake turns local numbers into E.164.
const e164 = /^\+[1-9]\d{6,14}$/;

export function isE164Phone(value: unknown): value is string {
  return typeof value === 'string' && e164.test(value);
}

export function IsE164Phone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isE164Phone',
      validator: {
        validate: (value: unknown) => isE164Phone(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a phone number in E.164 form, e.g. +33612345678`,
          options,
        ),
      },
    },
    options,
  );
}

// BCP 47 language tag, the practical subset: language, then script/region/variant subtags.
const languageTag = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/;

export function isLanguageTag(value: unknown): value is string {
  return typeof value === 'string' && languageTag.test(value);
}

export function IsLanguageTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLanguageTag',
      validator: {
        validate: (value: unknown) => isLanguageTag(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a BCP 47 language tag, e.g. fr or en-GB`,
          options,
        ),
      },
    },
    options,
  );
}

export interface PlainRecordLimits {
  maxKeys: number;
  maxKeyLength: number;
}

/** A JSON object (not an array, not null) with bounded keys: answers, survey definitions, metadata. */
export function isPlainRecord(value: unknown, limits: PlainRecordLimits): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length > limits.maxKeys) return false;
  return keys.every((key) => key.length > 0 && key.length <= limits.maxKeyLength);
}

export function IsPlainRecord(
  limits: PlainRecordLimits,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainRecord',
      constraints: [limits],
      validator: {
        validate: (value: unknown) => isPlainRecord(value, limits),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an object with at most ${limits.maxKeys} keys of 1 to ${limits.maxKeyLength} characters`,
          options,
        ),
      },
    },
    options,
  );
}

/** The date-time must not be earlier than the one in `property` (e.g. an appointment's end). */
export function IsNotBefore(property: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBefore',
      constraints: [property],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const other = (args?.object as Record<string, unknown> | undefined)?.[property];
          // Shape errors are reported by the fields' own validators; only compare two instants.
          if (!isRfc3339DateTime(value) || !isRfc3339DateTime(other)) return true;
          return Date.parse(value) >= Date.parse(other);
        },
        defaultMessage: buildMessage(
          (each) => `${each}$property must not be earlier than $constraint1`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * Not after the current year. Evaluated at validation time so a long-running service never goes
 * stale; one year of slack because "now" in UTC can still be last year where the patient was born.
 */
export function IsNotFutureYear(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotFutureYear',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && value <= new Date().getUTCFullYear() + 1,
        defaultMessage: buildMessage(
          (each) => `${each}$property must not be in the future`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * The property may be absent; when present, its other rules apply. Unlike class-validator's
 * IsOptional, null is not absent: a payload type says `field?: string`, so a consumer tests
 * `!== undefined` and must never meet a null there.
 */
export function IsOptionalField(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}
