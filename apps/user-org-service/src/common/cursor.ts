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

export type CursorPartCheck = (part: string) => boolean;

export const isInstant: CursorPartCheck = (part) =>
  /^\d{4}-\d{2}-\d{2}T/.test(part) && !Number.isNaN(Date.parse(part));
export const isUuid: CursorPartCheck = (part) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part);

/**
 * Query-string check: a malformed cursor, or one of another list whose key parts would not cast,
 * is a 400 naming `cursor`, never a 500.
 */
export function IsCursor(
  arity: number,
  partChecks: readonly (CursorPartCheck | undefined)[] = [],
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCursor',
      constraints: [arity],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const key = decodeCursor(value, arity);
          return key !== undefined && key.every((part, index) => partChecks[index]?.(part) ?? true);
        },
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
