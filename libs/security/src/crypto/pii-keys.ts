/** A bad key setting; the message names the problem and never the key material. */
export class PiiKeyConfigurationError extends Error {
  constructor(message: string) {
    super(`PII key configuration: ${message}`);
    this.name = 'PiiKeyConfigurationError';
  }
}

export const PII_KEY_BYTES = 32;

/** Key ids end up inside every ciphertext (`v1:<kid>:…`), so they must not contain the separator. */
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

export function decodeKey(base64: string, label: string): Buffer {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed))
    throw new PiiKeyConfigurationError(`${label} is not base64`);
  // Node's base64 decoder reads the url-safe alphabet too.
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== PII_KEY_BYTES) {
    throw new PiiKeyConfigurationError(
      `${label} must decode to ${PII_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

/**
 * Parses `kid1:base64key,kid2:base64key` (one entry per key ever used for encryption; retired
 * keys stay listed so old rows still decrypt) into a key ring.
 */
export function parseKeyRing(specification: string): ReadonlyMap<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const entry of specification
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)) {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new PiiKeyConfigurationError('each entry must be <kid>:<base64 key>');
    const keyId = entry.slice(0, separator);
    if (!keyIdPattern.test(keyId))
      throw new PiiKeyConfigurationError(`key id '${keyId}' must match ${keyIdPattern.source}`);
    if (ring.has(keyId)) throw new PiiKeyConfigurationError(`key id '${keyId}' is listed twice`);
    ring.set(keyId, decodeKey(entry.slice(separator + 1), `key '${keyId}'`));
  }
  if (ring.size === 0) throw new PiiKeyConfigurationError('no keys given');
  return ring;
}
