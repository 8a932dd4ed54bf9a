import { decodeCursor, encodeCursor, isInstant, isUuid, toPage } from './cursor';

describe('cursor', () => {
  it('should give back the key it encoded', () => {
    const key = ['Clinique du Parc – Paris 15e', '0b5e7a52-2b8e-4a59-b9b4-6b3c0d3a9f10'];

    expect(decodeCursor(encodeCursor(key), 2)).toEqual(key);
  });

  it('should be URL-safe', () => {
    expect(encodeCursor(['?/+=&', 'é'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base64url', 'a+b/c='],
    ['base64 of something that is not JSON', Buffer.from('not json').toString('base64url')],
    ['a key of another arity', encodeCursor(['only-one'])],
    ['a key that is not strings', Buffer.from('[1, 2]').toString('base64url')],
    ['an object', Buffer.from('{"a": "b"}').toString('base64url')],
    ['a very long value', 'a'.repeat(2_000)],
  ])('should refuse %s', (_case, cursor) => {
    expect(decodeCursor(cursor, 2)).toBeUndefined();
  });
});

describe(toPage.name, () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('should keep limit rows and point after the last one when there are more', () => {
    const page = toPage(
      rows,
      2,
      (row) => [row.id],
      (row) => row.id,
    );

    expect(page.items).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor ?? '', 1)).toEqual(['b']);
  });

  it('should end the list when no extra row was fetched', () => {
    expect(
      toPage(
        rows,
        3,
        (row) => [row.id],
        (row) => row.id,
      ).nextCursor,
    ).toBeNull();
  });
});

describe('cursor part checks', () => {
  it.each([
    ['2024-01-10T09:00:00.000Z', true],
    ['Paris 15', false],
    ['2024-13-45T99:00:00Z', false],
  ])('should take %p for an instant: %p', (part, expected) => {
    expect(isInstant(part)).toBe(expected);
  });

  it.each([
    ['0b5e7a52-2b8e-4a59-b9b4-6b3c0d3a9f10', true],
    ['0b5e7a52', false],
  ])('should take %p for a uuid: %p', (part, expected) => {
    expect(isUuid(part)).toBe(expected);
  });
});
