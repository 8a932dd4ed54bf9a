import { byteaLiteral, nameLiteral, uuidLiteral } from './sql-literals';

describe('SQL literals for one-round-trip scripts', () => {
  it('should render a UUID as a typed SQL literal', () => {
    expect(uuidLiteral('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(
      "'0f8fad5b-d9cb-469f-a165-70867728950e'::uuid",
    );
  });

  it('should refuse anything that is not a UUID, so no input can break out of the literal', () => {
    expect(() => uuidLiteral("x'; DROP TABLE feedback_session; --")).toThrow(TypeError);
  });

  it('should render bytes as a hex bytea literal', () => {
    expect(byteaLiteral(Buffer.from([0, 255, 39]))).toBe("'\\x00ff27'::bytea");
  });

  it('should render a plain name and refuse quotes, spaces and backslashes', () => {
    expect(nameLiteral('survey.response.submitted')).toBe("'survey.response.submitted'");
    for (const hostile of ["alerts'; --", 'two words', 'back\\slash', '']) {
      expect(() => nameLiteral(hostile)).toThrow(TypeError);
    }
  });
});
