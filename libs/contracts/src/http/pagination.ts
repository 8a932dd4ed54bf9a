/** One page of a cursor-paginated list (`?limit=&cursor=`); `nextCursor` is null on the last page. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}
