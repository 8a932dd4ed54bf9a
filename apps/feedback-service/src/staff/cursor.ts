import type { CursorPage } from '@careloop/contracts';
import { buildMessage, ValidateBy } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * Keyset pagination cursors: the sort key of the last item of a page (base64url of a JSON array
 * of strings), opaque to clients. Keyset, not offset: a page stays correct while rows are added
 * and its cost does not grow with depth. Times travel as Postgres wrote them (microseconds), so
 * the next page starts exactly after the last row, never skipping one that shares a millisecond.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const maxCursorLength = 1_024;

/** The key a cursor carries, or undefined when it is not one this service wrote. */
export function decodeCursor(cursor: string, arity: number): string[] | undefined {
  if (cursor.length === 0 || cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
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

export type CursorPartCheck = (part: string) => boolean;

export const isInstant: CursorPartCheck = (part) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(part) &&
  !Number.isNaN(Date.parse(part));
export const isUuid: CursorPartCheck = (part) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part);
export const isBoundedText: CursorPartCheck = (part) => part.length > 0 && part.length <= 256;

/** A cursor of this arity whose parts pass their checks; otherwise undefined. */
export function readCursor(
  cursor: string,
  partChecks: readonly CursorPartCheck[],
): string[] | undefined {
  const key = decodeCursor(cursor, partChecks.length);
  return key?.every((part, index) => partChecks[index]?.(part) ?? false) ? key : undefined;
}

/** Query-string check: a cursor this list did not write is a 400 naming `cursor`, never a 500. */
export function IsCursor(
  partChecks: readonly CursorPartCheck[],
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCursor',
      constraints: [partChecks.length],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && readCursor(value, partChecks) !== undefined,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a nextCursor returned by this list`,
          options,
        ),
      },
    },
    options,
  );
}

/** SQL text of a timestamptz that keeps its microseconds, for cursors: `${timeKey('created_at')}`. */
export function timeKey(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says another page exists, and the
 * last row kept names where the next one starts.
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
