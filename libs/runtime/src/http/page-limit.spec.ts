import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_PAGE_SIZE, PageLimit } from './page-limit';

class DefaultPage {
  @PageLimit()
  limit?: number;
}

class SmallPage {
  @PageLimit(100)
  limit?: number;
}

function errorsOf(type: new () => object, query: Record<string, string>): string[] {
  const instance = plainToInstance(type, query);
  return validateSync(instance).flatMap((error) => Object.keys(error.constraints ?? {}));
}

describe(PageLimit.name, () => {
  it('should take a limit from the query string as a number', () => {
    expect(plainToInstance(DefaultPage, { limit: '25' }).limit).toBe(25);
    expect(errorsOf(DefaultPage, { limit: '25' })).toEqual([]);
  });

  it('should let the limit be left out', () => {
    expect(errorsOf(DefaultPage, {})).toEqual([]);
  });

  it.each([
    ['0', 'min'],
    [String(MAX_PAGE_SIZE + 1), 'max'],
    ['2.5', 'isInt'],
    ['many', 'isInt'],
  ])('should refuse the limit %s (%s)', (limit, constraint) => {
    expect(errorsOf(DefaultPage, { limit })).toContain(constraint);
  });

  it('should hold a route to its own, smaller maximum', () => {
    expect(errorsOf(SmallPage, { limit: '100' })).toEqual([]);
    expect(errorsOf(SmallPage, { limit: '101' })).toContain('max');
  });
});
