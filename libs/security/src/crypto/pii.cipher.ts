import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { computeBlindIndex } from './blind-index';
import { decodeKey, parseKeyRing, PiiKeyConfigurationError } from './pii-keys';

/** A value that cannot be decrypted: unknown format or key, or altered (the GCM tag does not match). */
export class PiiDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PiiDecryptionError';
  }
}

export interface PiiCipherConfiguration {
  /** `kid1:base64key,kid2:base64key`, 32-byte keys. */
  keys: string;
  /** The key id new values are encrypted with; must be in `keys`. */
  activeKeyId: string;
  /** 32-byte base64 key for blind indexes; must differ from every encryption key. */
  blindIndexKey: string;
}

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12; // GCM's native nonce size; random per value, so (key, nonce) never repeats in practice.
const TAG_BYTES = 16;

/**
 * Encryption at rest for patient contact data (DESIGN §5): AES-256-GCM, serialised as
 * `v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url parts), so each value names the key that sealed it.
 * New values use the active key; values under any configured key still decrypt, which is what
 * lets keys rotate without a big-bang re-encryption (`needsReencryption` finds the stragglers).
 *
 * `context` binds a value to where it belongs (e.g. `${orgId}:patient.email`) as additional
 * authenticated data: a ciphertext copied to another row or column then fails to decrypt.
 */
export class PiiCipher {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
    private readonly blindIndexKey: Buffer,
  ) {}

  static fromConfiguration(configuration: PiiCipherConfiguration): PiiCipher {
    const keys = parseKeyRing(configuration.keys);
    if (!keys.has(configuration.activeKeyId)) {
      throw new PiiKeyConfigurationError(
        `active key id '${configuration.activeKeyId}' is not among the keys`,
      );
    }
    const blindIndexKey = decodeKey(configuration.blindIndexKey, 'blind index key');
    for (const key of keys.values()) {
      if (timingSafeEqual(key, blindIndexKey)) {
        throw new PiiKeyConfigurationError(
          'the blind index key must differ from the encryption keys',
        );
      }
    }
    return new PiiCipher(keys, configuration.activeKeyId, blindIndexKey);
  }

  encrypt(plaintext: string, context = ''): string {
    const key = this.keyFor(this.activeKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.additionalData(this.activeKeyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      FORMAT_VERSION,
      this.activeKeyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join(':');
  }

  decrypt(value: string, context = ''): string {
    const { keyId, iv, tag, ciphertext } = this.parse(value);
    const key = this.keys.get(keyId);
    if (!key) throw new PiiDecryptionError(`unknown key id '${keyId}'`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.additionalData(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      // Node says "Unsupported state or unable to authenticate data"; say what it means.
      throw new PiiDecryptionError('value was altered or belongs to another context', {
        cause: error,
      });
    }
  }

  /** The key id a value was sealed with. */
  keyIdOf(value: string): string {
    return this.parse(value).keyId;
  }

  /** True when a value is sealed with a key other than the active one (a re-encryption job's filter). */
  needsReencryption(value: string): boolean {
    return this.keyIdOf(value) !== this.activeKeyId;
  }

  /** See `computeBlindIndex`; `purpose` `email` and `phone` normalise first. */
  blindIndex(value: string, purpose: string): string {
    return computeBlindIndex(this.blindIndexKey, value, purpose);
  }

  private keyFor(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new PiiDecryptionError(`unknown key id '${keyId}'`);
    return key;
  }

  /** The version and key id are authenticated too, so the header cannot be edited undetected. */
  private additionalData(keyId: string, context: string): Buffer {
    return Buffer.from(`${FORMAT_VERSION}:${keyId}:${context}`, 'utf8');
  }

  private parse(value: string): { keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
    const parts = value.split(':');
    const [version, keyId, iv, tag, ciphertext] = parts;
    if (
      parts.length !== 5 ||
      version !== FORMAT_VERSION ||
      !keyId ||
      !iv ||
      !tag ||
      ciphertext === undefined
    ) {
      throw new PiiDecryptionError('not a PII ciphertext');
    }
    const decoded = {
      keyId,
      iv: Buffer.from(iv, 'base64url'),
      tag: Buffer.from(tag, 'base64url'),
      ciphertext: Buffer.from(ciphertext, 'base64url'),
    };
    if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
      throw new PiiDecryptionError('not a PII ciphertext');
    }
    return decoded;
  }
}
