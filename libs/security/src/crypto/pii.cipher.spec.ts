import { randomBytes } from 'node:crypto';
import { computeBlindIndex, normaliseEmail, normalisePhone } from './blind-index';
import { PiiCipher, PiiDecryptionError } from './pii.cipher';
import { PiiKeyConfigurationError } from './pii-keys';

const key = (): string => randomBytes(32).toString('base64');
const k2023 = key();
const k2024 = key();
const blindIndexKey = key();

function cipher(keys: string, activeKeyId: string): PiiCipher {
  return PiiCipher.fromConfiguration({ keys, activeKeyId, blindIndexKey });
}

describe(PiiCipher.name, () => {
  const sut = cipher(`k2023:${k2023},k2024:${k2024}`, 'k2024');

  it('should round-trip text, including empty and non-ASCII', () => {
    for (const value of ['jane.doe@example.org', '', 'Zoë Ørsted 🩺']) {
      expect(sut.decrypt(sut.encrypt(value))).toBe(value);
    }
  });

  it('should write v1:<kid>:<iv>:<tag>:<ciphertext> with a fresh IV each time', () => {
    const first = sut.encrypt('+41791234567');
    expect(first).toMatch(/^v1:k2024:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sut.encrypt('+41791234567')).not.toBe(first);
  });

  it.each<[string, (parts: string[]) => void]>([
    ['ciphertext', (parts) => (parts[4] = flip(parts[4]))],
    ['tag', (parts) => (parts[3] = flip(parts[3]))],
    ['iv', (parts) => (parts[2] = flip(parts[2]))],
    ['key id (another known key)', (parts) => (parts[1] = 'k2023')],
  ])('should detect a changed %s', (_part, tamper) => {
    const parts = sut.encrypt('jane.doe@example.org').split(':');
    tamper(parts);
    expect(() => sut.decrypt(parts.join(':'))).toThrow(PiiDecryptionError);
  });

  it('should refuse a value moved to another context', () => {
    const sealed = sut.encrypt('jane.doe@example.org', 'org-1:patient.email');
    expect(sut.decrypt(sealed, 'org-1:patient.email')).toBe('jane.doe@example.org');
    expect(() => sut.decrypt(sealed, 'org-2:patient.email')).toThrow(PiiDecryptionError);
  });

  it.each(['plain text', 'v2:k2024:a:b:c', 'v1:k2024:short:tag:ct'])(
    'should refuse %s as not a ciphertext',
    (value) => {
      expect(() => sut.decrypt(value)).toThrow(/not a PII ciphertext/);
    },
  );

  describe('key rotation', () => {
    const before = cipher(`k2023:${k2023}`, 'k2023');
    const sealedBefore = before.encrypt('0791234567');

    it('should decrypt values sealed with a retired key and seal new ones with the active key', () => {
      expect(sut.decrypt(sealedBefore)).toBe('0791234567');
      expect(sut.keyIdOf(sut.encrypt('x'))).toBe('k2024');
    });

    it('should flag values sealed with another key for re-encryption', () => {
      expect(sut.needsReencryption(sealedBefore)).toBe(true);
      expect(sut.needsReencryption(sut.encrypt('x'))).toBe(false);
    });

    it('should name an unknown key id', () => {
      const after = cipher(`k2024:${k2024}`, 'k2024');
      expect(() => after.decrypt(sealedBefore)).toThrow("unknown key id 'k2023'");
    });
  });

  describe('configuration', () => {
    it.each<[string, () => PiiCipher, RegExp]>([
      ['an active key that is not listed', () => cipher(`k1:${k2023}`, 'k9'), /active key id 'k9'/],
      [
        'a short key',
        () => cipher(`k1:${randomBytes(16).toString('base64')}`, 'k1'),
        /32 bytes, got 16/,
      ],
      ['a duplicate key id', () => cipher(`k1:${k2023},k1:${k2024}`, 'k1'), /listed twice/],
      ['an entry without a key id', () => cipher(k2023, 'k1'), /<kid>:<base64 key>/],
      [
        'a key id with a colon-unsafe character',
        () => cipher(`k.1:${k2023}`, 'k.1'),
        /key id 'k.1'/,
      ],
      [
        'a blind index key equal to an encryption key',
        () =>
          PiiCipher.fromConfiguration({
            keys: `k1:${k2023}`,
            activeKeyId: 'k1',
            blindIndexKey: k2023,
          }),
        /must differ/,
      ],
    ])('should refuse %s', (_case, build, message) => {
      expect(build).toThrow(PiiKeyConfigurationError);
      expect(build).toThrow(message);
    });

    it('should never put key material in its errors', () => {
      const build = () => cipher(`k1:${k2023.slice(0, 20)}`, 'k1');
      expect(build).toThrow(PiiKeyConfigurationError);
      // Throws, and not with a message holding the key.
      expect(build).not.toThrow(k2023.slice(0, 20));
    });
  });
});

describe('blind index', () => {
  const sut = cipher(`k1:${k2023}`, 'k1');

  it.each([
    ['email', ' Jane.Doe@Example.ORG ', 'jane.doe@example.org'],
    ['phone', '+41 79 123 45 67', '+41791234567'],
    ['phone', '0041 (79) 123-45-67', '+41791234567'],
    ['phone', '+41-79-123-4567', '+41791234567'],
  ])('should index %s %p like its normal form', (purpose, value, normal) => {
    expect(sut.blindIndex(value, purpose)).toBe(sut.blindIndex(normal, purpose));
  });

  it('should keep national phone numbers as digits', () => {
    expect(normalisePhone(' 079 123 45 67 ')).toBe('0791234567');
    expect(normaliseEmail('  A@B.CH')).toBe('a@b.ch');
  });

  it('should separate purposes and keys', () => {
    const value = 'same@example.org';
    expect(sut.blindIndex(value, 'email')).not.toBe(sut.blindIndex(value, 'external_id'));
    expect(computeBlindIndex(randomBytes(32), value, 'email')).not.toBe(
      sut.blindIndex(value, 'email'),
    );
  });

  it('should be deterministic, base64url and 43 characters long', () => {
    const index = sut.blindIndex('jane@example.org', 'email');
    expect(index).toBe(sut.blindIndex('jane@example.org', 'email'));
    expect(index).toMatch(/^[\w-]{43}$/);
  });

  it('should refuse an unsafe purpose', () => {
    expect(() => sut.blindIndex('x', 'Email Address')).toThrow(/purpose/);
  });
});

function flip(part: string | undefined): string {
  const bytes = Buffer.from(part ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}
