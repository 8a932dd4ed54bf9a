import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseKeyRing, PiiKeyConfigurationError } from '@careloop/security';

/**
 * The patient's credential in the link: `<kid>.<payload>.<mac>` (base64url parts).
 * payload = version (1 byte) | org id (16) | session id (16) | expiry, unix seconds (4) | nonce (16)
 * mac     = HMAC-SHA256(key[kid], "<kid>.<payload>") truncated to 16 bytes.
 *
 * The org id is inside, so a request binds its tenant before any query; the nonce (128 random
 * bits) makes tokens unguessable and lets a session invalidate old links (its SHA-256 is stored
 * with the session and must match); the kid lets keys rotate while old links keep working.
 */
export interface RespondentTokenClaims {
  orgId: string;
  sessionId: string;
  expiresAt: Date;
}

export interface VerifiedRespondentToken extends RespondentTokenClaims {
  /** SHA-256 of the nonce: what the session row stores. */
  nonceDigest: Buffer;
}

export interface IssuedRespondentToken {
  token: string;
  nonceDigest: Buffer;
}

const FORMAT_VERSION = 1;
const PAYLOAD_BYTES = 1 + 16 + 16 + 4 + 16;
const MAC_BYTES = 16;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tokenPattern = /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{71}\.[A-Za-z0-9_-]{22}$/;

function uuidBytes(uuid: string): Buffer {
  if (!uuidPattern.test(uuid)) throw new TypeError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function digestOfNonce(nonce: Buffer): Buffer {
  return createHash('sha256').update(nonce).digest();
}

export class RespondentTokens {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly activeKeyId: string,
  ) {}

  static fromConfiguration(keys: string, activeKeyId: string): RespondentTokens {
    const ring = parseKeyRing(keys);
    if (!ring.has(activeKeyId)) {
      throw new PiiKeyConfigurationError(
        `respondent token key id '${activeKeyId}' is not among the keys`,
      );
    }
    return new RespondentTokens(ring, activeKeyId);
  }

  issue(claims: RespondentTokenClaims): IssuedRespondentToken {
    const nonce = randomBytes(16);
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeUInt8(FORMAT_VERSION, 0);
    uuidBytes(claims.orgId).copy(payload, 1);
    uuidBytes(claims.sessionId).copy(payload, 17);
    payload.writeUInt32BE(Math.floor(claims.expiresAt.getTime() / 1_000), 33);
    nonce.copy(payload, 37);
    const encoded = payload.toString('base64url');
    const mac = this.mac(this.activeKeyId, encoded);
    return {
      token: `${this.activeKeyId}.${encoded}.${mac.toString('base64url')}`,
      nonceDigest: digestOfNonce(nonce),
    };
  }

  /**
   * The token's claims when it is well-formed, signed by a known key and not expired at `now`;
   * undefined otherwise, without saying which (the caller answers 404 either way).
   */
  verify(token: string, now: Date = new Date()): VerifiedRespondentToken | undefined {
    if (!tokenPattern.test(token)) return undefined;
    const [keyId, encoded, macText] = token.split('.') as [string, string, string];
    if (!this.keys.has(keyId)) return undefined;
    const given = Buffer.from(macText, 'base64url');
    const expected = this.mac(keyId, encoded);
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) return undefined;
    const payload = Buffer.from(encoded, 'base64url');
    if (payload.length !== PAYLOAD_BYTES || payload.readUInt8(0) !== FORMAT_VERSION) {
      return undefined;
    }
    const expiresAt = new Date(payload.readUInt32BE(33) * 1_000);
    if (expiresAt.getTime() <= now.getTime()) return undefined;
    return {
      orgId: uuidOf(payload.subarray(1, 17)),
      sessionId: uuidOf(payload.subarray(17, 33)),
      expiresAt,
      nonceDigest: digestOfNonce(payload.subarray(37, 53)),
    };
  }

  private mac(keyId: string, encodedPayload: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new PiiKeyConfigurationError(`unknown respondent token key id '${keyId}'`);
    return createHmac('sha256', key)
      .update(`${keyId}.${encodedPayload}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
