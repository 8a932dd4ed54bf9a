import type { CorsConfig } from '../kong-config.types';
import { toFastifyCorsOptions } from './cors.plugin';

const config = (origins: string[]): CorsConfig => ({
  origins,
  methods: ['GET'],
  credentials: false,
  preflightContinue: false,
});

describe(toFastifyCorsOptions.name, () => {
  it('should allow every origin when Kong would (no origins, or *)', () => {
    expect(toFastifyCorsOptions(config([])).origin).toBe('*');
    expect(toFastifyCorsOptions(config(['https://a.example', '*'])).origin).toBe('*');
  });

  it('should match literal origins exactly and anchor regex origins at both ends, as Kong does', () => {
    const origin = toFastifyCorsOptions(
      config(['http://localhost:5173', 'https://.*\\.careloop\\.app']),
    ).origin as Array<string | RegExp>;
    expect(origin[0]).toBe('http://localhost:5173');
    const pattern = origin[1] as RegExp;
    expect(pattern.test('https://eu.careloop.app')).toBe(true);
    expect(pattern.test('https://eu.careloop.app.evil.example')).toBe(false);
    expect(pattern.test('http://eu.careloop.app')).toBe(false);
  });

  it('should disable CORS where no cors plugin applies', () => {
    expect(toFastifyCorsOptions(undefined)).toEqual({ origin: false });
  });
});
