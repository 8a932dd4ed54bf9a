import { createHmac } from 'node:crypto';

/** Purposes with their own normalisation; any other purpose (e.g. `external_id`) is trimmed only. */
export const BlindIndexPurpose = {
  Email: 'email',
  Phone: 'phone',
} as const;

const purposePattern = /^[a-z0-9_.-]{1,64}$/;

/** Lower-case and trimmed: `Jane.Doe@Example.org ` and `jane.doe@example.org` are one person. */
export function normaliseEmail(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}

/**
 * Digits only, keeping an international prefix as a leading `+` (`00` counts as one):
 * `+41 79 123 45 67`, `0041791234567` and `+41-79-123-4567` become `+41791234567`.
 * Without a region, a national number (`079 …`) cannot be made international; it stays digits.
 */
export function normalisePhone(value: string): string {
  const trimmed = value.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits;
}

export function normaliseForBlindIndex(value: string, purpose: string): string {
  switch (purpose) {
    case BlindIndexPurpose.Email:
      return normaliseEmail(value);
    case BlindIndexPurpose.Phone:
      return normalisePhone(value);
    default:
      return value.normalize('NFC').trim();
  }
}

/**
 * HMAC-SHA256 of the normalised value, keyed separately from encryption and separated by
 * purpose, so equal values can be found without decrypting, and an email's index never equals a
 * phone's. Base64url, 43 characters.
 */
export function computeBlindIndex(key: Buffer, value: string, purpose: string): string {
  if (!purposePattern.test(purpose))
    throw new Error(`blind index purpose '${purpose}' must match ${purposePattern.source}`);
  return (
    createHmac('sha256', key)
      .update(purpose)
      // The separator keeps (`ab`, `c`) and (`a`, `bc`) apart.
      .update('\u0000')
      .update(normaliseForBlindIndex(value, purpose))
      .digest('base64url')
  );
}
