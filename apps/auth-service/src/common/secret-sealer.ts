import { createHmac } from 'node:crypto';
import { parseKeyRing, PiiCipher } from '@careloop/security';
import { Injectable } from '@nestjs/common';
import { AuthSettings } from './auth-settings';

/**
 * Encryption at rest for auth-service's own secrets (signing private keys, TOTP secrets): the
 * PII cipher of libs/security (AES-256-GCM, key id in every value, key ring for rotation) under
 * auth's key-encryption keys. Each value is bound to its row by `context`, so a sealed secret
 * copied to another row does not open.
 */
@Injectable()
export class SecretSealer {
  private readonly cipher: PiiCipher;

  constructor(settings: AuthSettings) {
    const ring = parseKeyRing(settings.keyEncryptionKeys);
    const first = [...ring.values()][0] as Buffer;
    // The PII cipher also computes blind indexes; auth seals only, so its index key is a derived
    // value that is never used (and differs from every encryption key, as the cipher demands).
    const unusedIndexKey = createHmac('sha256', first)
      .update('careloop-auth-unused-blind-index')
      .digest('base64');
    this.cipher = PiiCipher.fromConfiguration({
      keys: settings.keyEncryptionKeys,
      activeKeyId: settings.keyEncryptionActiveKeyId,
      blindIndexKey: unusedIndexKey,
    });
  }

  seal(secret: string, context: string): string {
    return this.cipher.encrypt(secret, context);
  }

  open(sealed: string, context: string): string {
    return this.cipher.decrypt(sealed, context);
  }
}
