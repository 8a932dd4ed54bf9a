import type { CursorPage } from '@careloop/contracts';
import { buildMessage, ValidateBy } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * Keyset pagination cursors: the sort key of the last item of a page, opaque to clients
 * (base64url of a JSON array of strings). Keyset, not offset, so a page stays correct while rows
 * are added and its cost does not grow with the depth.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const maxCursorLength = 1_024;

/** The key a cursor carries, or undefined when it is not one this service wrote. */
export function decodeCursor(cursor: string, arity: number): string[] | undefined {
  if (cursor.length === 0 || cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(cursor))
    return undefined;
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

/** Query-string check: malformed cursors are a 400 naming `cursor`, never a 500. */
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

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says another page exists, and the
 * last row kept names where it starts.
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  keyOf: (row: Row) => readonly string[],
  toItem: (row: Row) => Item,
): CursorPage<Item> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
