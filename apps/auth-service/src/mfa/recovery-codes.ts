import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

/** Crockford's base32 without look-alikes: codes are read off paper and typed by hand. */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** `xxxxx-xxxxx`: 10 characters of 5 bits, 50 bits each, used at most once. */
export function newRecoveryCode(): string {
  let code = '';
  for (let index = 0; index < 10; index += 1) code += alphabet[randomInt(alphabet.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Case, spaces and dashes as typed do not matter. */
export function normaliseRecoveryCode(code: string): string {
  const compact = code.toLowerCase().replace(/[\s-]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : compact;
}

/** Bound to the identity, so equal codes of two people never share a hash. */
export function hashRecoveryCode(identityId: string, code: string): Buffer {
  return createHash('sha256')
    .update(`${identityId}:${normaliseRecoveryCode(code)}`)
    .digest();
}
