import { buildMessage, ValidateBy } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * Keyset pagination cursors: the sort key of a page's last item, opaque to clients (base64url of a
 * JSON array of strings), so pages stay right while surveys are added.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor carries, or undefined when this service did not write it. */
export function decodeCursor(cursor: string, arity: number): string[] | undefined {
  if (cursor.length === 0 || cursor.length > 1_024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    return undefined;
  }
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length !== arity) return undefined;
  const parts: unknown[] = key;
  return parts.every((part): part is string => typeof part === 'string') ? parts : undefined;
}

/** A malformed cursor is a 400 naming `cursor`, never a 500. */
export function IsCursor(arity: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCursor',
      constraints: [arity],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && decodeCursor(value, arity) !== undefined,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a nextCursor returned by this list`,
          options,
        ),
      },
    },
    options,
  );
}
