import { isLanguageTag } from '@careloop/contracts';
import { isEmail } from 'class-validator';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 when the number says its country (`+41 …`, `0041 …`), or when it is a national number
 * (`079 …`, `(312) 555-0147`) and the organization's `phoneRegion` says which country it belongs
 * to: libphonenumber-js (Google's libphonenumber metadata) reads it by that country's plan and
 * refuses numbers that plan does not allow. Without a region a national number is `undefined`, and
 * the caller reports a warning instead of guessing.
 */
export function toE164(raw: string, region?: string): string | undefined {
  const trimmed = raw.trim();
  if (!/^[+0-9 ().\-/]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  let international: string | undefined;
  if (trimmed.startsWith('+')) international = digits;
  else if (digits.startsWith('00')) international = digits.slice(2);
  else if (region !== undefined) return nationalToE164(trimmed, region);
  if (international === undefined || !/^[1-9]\d{6,14}$/.test(international)) return undefined;
  return `+${international}`;
}

function nationalToE164(number: string, region: string): string | undefined {
  const country = region.toUpperCase();
  if (!isSupportedCountry(country)) return undefined;
  const parsed = parsePhoneNumberFromString(number, country);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** Why `toE164` gave nothing, for the intake warning. */
export function unusablePhoneReason(region: string | undefined): string {
  return region === undefined
    ? 'has no country code (+…) and the organization has no phoneRegion setting; only E.164 numbers travel in the event, so it was left out'
    : `is not a valid number, neither international (+…) nor of the organization's phoneRegion ${region.toUpperCase()}; left out`;
}

export function toEmail(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed.length <= 254 && isEmail(trimmed) ? trimmed : undefined;
}

/** `en-US`, `zh`, `ara`: BCP 47 as the contract wants; `en_US` is repaired, anything else dropped. */
export function toLanguageTag(raw: string): string | undefined {
  const candidate = raw.trim().replace(/_/g, '-');
  return isLanguageTag(candidate) ? candidate : undefined;
}

/** A year from `1980-06-01`, `19800601141210` or `1980`; undefined when not a plausible birth year. */
export function toBirthYear(raw: string): number | undefined {
  const match = /^(\d{4})/.exec(raw.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  return year >= 1900 && year <= new Date().getUTCFullYear() ? year : undefined;
}

/** Labels (site, provider…) longer than the contract allows are cut, not refused: they are descriptive. */
export function toLabel(raw: string | undefined, limit = 128): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  return trimmed.length > limit ? trimmed.slice(0, limit) : trimmed;
}
