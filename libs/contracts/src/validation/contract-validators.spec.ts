import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  isE164Phone,
  isIanaTimeZone,
  isLanguageTag,
  isPlainRecord,
  isRfc3339DateTime,
  IsNotBefore,
  IsNotFutureYear,
  IsRfc3339DateTime,
} from './contract-validators';
import { toFieldErrors } from './field-errors';

describe(isRfc3339DateTime.name, () => {
  it.each([
    ['2024-05-02T09:00:00Z', true],
    ['2024-05-02T09:00:00.123Z', true],
    ['2024-05-02T09:00:00.123456789+02:00', true],
    ['2024-05-02T09:00:00-05:30', true],
    ['2024-02-29T09:00:00Z', true],
    ['2023-02-29T09:00:00Z', false],
    ['2024-02-30T09:00:00Z', false],
    ['2024-05-02T09:00:00', false],
    ['2024-05-02 09:00:00Z', false],
    ['2024-05-02t09:00:00z', false],
    ['2024-05-02', false],
    ['2024-05-02T25:00:00Z', false],
    ['1714640400000', false],
    [1714640400000, false],
  ])('should tell whether %p is an RFC 3339 instant', (value, expected) => {
    expect(isRfc3339DateTime(value)).toBe(expected);
  });
});

describe(isIanaTimeZone.name, () => {
  it.each([
    ['Europe/Paris', true],
    ['America/Argentina/Buenos_Aires', true],
    ['UTC', true],
    ['Etc/GMT+1', true],
    ['Mars/Olympus', false],
    ['+01:00', false],
    ['', false],
    ['Europe/../Paris', false],
    [42, false],
  ])('should tell whether %p is an IANA time zone', (value, expected) => {
    expect(isIanaTimeZone(value)).toBe(expected);
    // The second answer comes from the memo and must be the same.
    expect(isIanaTimeZone(value)).toBe(expected);
  });
});

describe(isE164Phone.name, () => {
  it.each([
    ['+33612345678', true],
    ['+14155552671', true],
    ['0612345678', false],
    ['+33 6 12 34 56 78', false],
    ['+0612345678', false],
    ['+1234567890123456', false],
  ])('should tell whether %p is an E.164 number', (value, expected) => {
    expect(isE164Phone(value)).toBe(expected);
  });
});

describe(isLanguageTag.name, () => {
  it.each([
    ['fr', true],
    ['en-GB', true],
    ['zh-Hant-TW', true],
    ['french', false],
    ['en_GB', false],
    ['', false],
  ])('should tell whether %p is a language tag', (value, expected) => {
    expect(isLanguageTag(value)).toBe(expected);
  });
});

describe(isPlainRecord.name, () => {
  const limits = { maxKeys: 2, maxKeyLength: 3 };

  it.each([
    [{ a: 1, b: [2] }, true],
    [{}, true],
    [{ a: 1, b: 2, c: 3 }, false],
    [{ abcd: 1 }, false],
    [{ '': 1 }, false],
    [[1], false],
    [null, false],
    ['a', false],
  ])('should tell whether %p is a bounded JSON object', (value, expected) => {
    expect(isPlainRecord(value, limits)).toBe(expected);
  });
});

class Visit {
  @IsRfc3339DateTime()
  startedAt!: string;

  @IsRfc3339DateTime()
  @IsNotBefore('startedAt')
  endedAt!: string;

  @IsNotFutureYear()
  bornIn!: number;
}

describe(IsNotBefore.name, () => {
  it.each([
    ['2024-05-02T09:00:00Z', '2024-05-02T09:30:00Z', []],
    ['2024-05-02T09:00:00Z', '2024-05-02T09:00:00Z', []],
    ['2024-05-02T09:00:00Z', '2024-05-02T10:30:00+02:00', ['endedAt']],
    ['not a date', '2024-05-02T09:30:00Z', ['startedAt']],
  ])('should compare %s and %s as instants', (startedAt, endedAt, fields) => {
    const sut = plainToInstance(Visit, { startedAt, endedAt, bornIn: 1980 });

    expect(toFieldErrors(validateSync(sut)).map((e) => e.field)).toEqual(fields);
  });
});

describe(IsNotFutureYear.name, () => {
  it('should accept this year and refuse a year two years ahead', () => {
    const year = new Date().getUTCFullYear();
    const base = { startedAt: '2024-05-02T09:00:00Z', endedAt: '2024-05-02T09:00:00Z' };

    expect(validateSync(plainToInstance(Visit, { ...base, bornIn: year }))).toHaveLength(0);
    expect(
      toFieldErrors(validateSync(plainToInstance(Visit, { ...base, bornIn: year + 2 }))),
    ).toEqual([{ field: 'bornIn', message: 'bornIn must not be in the future' }]);
  });
});
