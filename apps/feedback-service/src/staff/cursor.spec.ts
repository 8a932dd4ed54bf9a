import { decodeCursor, encodeCursor, isInstant, isUuid, readCursor, toPage } from './cursor';

describe('cursors', () => {
  const key = ['2024-11-24T10:15:30.123456Z', '0b5e7a52-2b8e-4a59-b9b4-6b3c0d3a9f10'];

  it('should round-trip a key through an opaque url-safe cursor', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 2)).toEqual(key);
    expect(readCursor(cursor, [isInstant, isUuid])).toEqual(key);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['another arity', encodeCursor(['only-one'])],
    ['non-string parts', Buffer.from('[1,2]').toString('base64url')],
    ['too long', 'A'.repeat(2_000)],
  ])('should refuse a cursor that is %s', (_label, cursor) => {
    expect(decodeCursor(cursor, 2)).toBeUndefined();
  });

  it('should refuse a cursor of another list whose parts would not cast', () => {
    expect(
      readCursor(encodeCursor(['not-a-time', key[1] ?? '']), [isInstant, isUuid]),
    ).toBeUndefined();
    expect(
      readCursor(encodeCursor([key[0] ?? '', 'not-a-uuid']), [isInstant, isUuid]),
    ).toBeUndefined();
  });

  it('should page limit + 1 rows with a cursor naming the last kept row', () => {
    const rows = [1, 2, 3].map((n) => ({ at: `t${n}`, id: `id${n}` }));
    const page = toPage(
      rows,
      2,
      (row) => [row.at, row.id],
      (row) => row.id,
    );
    expect(page.items).toEqual(['id1', 'id2']);
    expect(decodeCursor(page.nextCursor ?? '', 2)).toEqual(['t2', 'id2']);
    expect(
      toPage(
        rows,
        3,
        (row) => [row.at, row.id],
        (row) => row.id,
      ).nextCursor,
    ).toBeNull();
  });
});
