import { answerText, csvCell, csvRow } from './csv';

describe('CSV encoding', () => {
  describe(csvCell.name, () => {
    it.each([
      ['plain', 'plain'],
      ['', ''],
      ['with, comma', '"with, comma"'],
      ['say "hi"', '"say ""hi"""'],
      ['two\r\nlines', '"two\r\nlines"'],
      ['line\nfeed', '"line\nfeed"'],
      ['Zoë Müller', 'Zoë Müller'],
    ])('should write %j as %j (RFC 4180)', (value, expected) => {
      expect(csvCell(value)).toBe(expected);
    });

    it.each([
      [
        '=HYPERLINK("http://evil.example","click")',
        `"'=HYPERLINK(""http://evil.example"",""click"")"`,
      ],
      ['+41 79 123', "'+41 79 123"],
      ['-2+3', "'-2+3"],
      ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
      ['\t=1+1', "'\t=1+1"],
      ['\r=1+1', `"'\r=1+1"`],
    ])('should defuse the formula %j', (value, expected) => {
      expect(csvCell(value)).toBe(expected);
    });

    it('should leave formula characters inside a cell alone', () => {
      expect(csvCell('a=b-c+d@e')).toBe('a=b-c+d@e');
    });
  });

  describe(csvRow.name, () => {
    it('should join cells with commas and end the record with CRLF', () => {
      expect(csvRow(['a', 'b,c', '=1'])).toBe(`a,"b,c",'=1\r\n`);
    });
  });

  describe(answerText.name, () => {
    it.each<[unknown, unknown, string]>([
      [3, undefined, '3'],
      [true, undefined, 'true'],
      [undefined, undefined, ''],
      [['wait', 'staff'], undefined, 'wait; staff'],
      [{ cleanliness: 5, courtesy: 2 }, undefined, 'cleanliness: 5; courtesy: 2'],
      ['other', 'parking', 'other (other: parking)'],
      [['wait', 'other'], 'noise', 'wait; other (other: noise)'],
    ])('should write %j (other %j) as %j', (answer, comment, expected) => {
      expect(answerText(answer, comment)).toBe(expected);
    });
  });
});
