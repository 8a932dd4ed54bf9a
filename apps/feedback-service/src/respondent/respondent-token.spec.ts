import { randomBytes } from 'node:crypto';
import { digestOfNonce, RespondentTokens } from './respondent-token';

const key = (): string => randomBytes(32).toString('base64');
const oldKey = key();
const newKey = key();
const claims = {
  orgId: '6f1c1d4e-8a43-4a49-9d0e-2b1f5c3a7e10',
  sessionId: '0b5e8c1a-2f7d-4c3e-9a6b-1d2e3f4a5b6c',
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};

describe(RespondentTokens.name, () => {
  const sut = RespondentTokens.fromConfiguration(`t1:${oldKey},t2:${newKey}`, 't2');

  it('should verify its own token and give back org, session, expiry and nonce digest', () => {
    const issued = sut.issue(claims);
    const verified = sut.verify(issued.token, new Date('2029-12-31T23:59:00Z'));
    expect(verified).toEqual({ ...claims, nonceDigest: issued.nonceDigest });
  });

  it('should be URL-safe, carry its key id and stay short enough for an SMS link', () => {
    const { token } = sut.issue(claims);
    expect(token).toMatch(/^t2\.[\w-]{71}\.[\w-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('should make a different token with a fresh nonce each time', () => {
    const first = sut.issue(claims);
    const second = sut.issue(claims);
    expect(first.token).not.toBe(second.token);
    expect(first.nonceDigest.equals(second.nonceDigest)).toBe(false);
    expect(first.nonceDigest).toHaveLength(32);
  });

  it('should refuse an expired token', () => {
    const { token } = sut.issue(claims);
    expect(sut.verify(token, new Date('2030-01-01T00:00:00Z'))).toBeUndefined();
  });

  it.each<[string, (token: string) => string]>([
    ['a changed payload byte', (token) => flipPayload(token, 20)],
    ['a changed expiry', (token) => flipPayload(token, 35)],
    ['a changed mac', (token) => token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA')],
    ['a swapped key id', (token) => token.replace(/^t2\./, 't1.')],
    ['an unknown key id', (token) => token.replace(/^t2\./, 't9.')],
    ['a truncated token', (token) => token.slice(0, -1)],
    ['garbage', () => 'not-a-token'],
    ['an empty string', () => ''],
  ])('should refuse %s', (_case, tamper) => {
    const { token } = sut.issue(claims);
    expect(sut.verify(tamper(token), new Date('2029-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('should verify tokens signed with a retired key that is still listed', () => {
    const before = RespondentTokens.fromConfiguration(`t1:${oldKey}`, 't1');
    const { token } = before.issue(claims);
    expect(sut.verify(token, new Date('2029-01-01T00:00:00Z'))?.sessionId).toBe(claims.sessionId);
    const after = RespondentTokens.fromConfiguration(`t2:${newKey}`, 't2');
    expect(after.verify(token, new Date('2029-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('should refuse an active key id that is not configured', () => {
    expect(() => RespondentTokens.fromConfiguration(`t1:${oldKey}`, 't2')).toThrow(/'t2'/);
  });

  it('should digest nonces with SHA-256', () => {
    expect(digestOfNonce(Buffer.alloc(16)).toString('hex')).toBe(
      '374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb',
    );
  });
});

function flipPayload(token: string, byteIndex: number): string {
  const [kid, payload, mac] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(payload, 'base64url');
  bytes[byteIndex] = (bytes[byteIndex] ?? 0) ^ 0x01;
  return `${kid}.${bytes.toString('base64url')}.${mac}`;
}
