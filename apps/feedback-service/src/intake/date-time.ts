import { isIanaTimeZone, isRfc3339DateTime } from '@careloop/contracts';

export type DateTimeResult =
  | { ok: true; value: string; assumedUtc: boolean; minutePrecision?: boolean }
  | { ok: false; message: string };

// HL7 v2 DTM: YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]. An appointment's time needs at least minutes.
const hl7DateTime =
  /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?(?:([+-])(\d{2})(\d{2}))?$/;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** Minutes east of UTC of an IANA zone at an instant. */
export function zoneOffsetMinutes(timeZone: string, utcMillis: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMillis));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60_000);
}

/** The offset a wall-clock time has in a zone (two passes settle DST transitions). */
function offsetOfLocalTime(timeZone: string, wallClockAsUtc: number): number {
  const first = zoneOffsetMinutes(timeZone, wallClockAsUtc);
  return zoneOffsetMinutes(timeZone, wallClockAsUtc - first * 60_000);
}

export interface LocalTimeDefaults {
  /** IANA zone the caller named: local times are read in it. */
  timezone?: string;
  /** Offset (minutes) of the sender, e.g. from MSH-7, used when no zone was named. */
  senderOffsetMinutes?: number;
}

/**
 * HL7 v2 DTM to RFC 3339 with offset, strictly: a wrong calendar date, a space inside, a missing
 * time, an offset beyond ±14:00 are refusals (never a guess, never a throw). A time without offset
 * is read in the named zone, else at the sender's offset, else as UTC (`assumedUtc`).
 */
export function parseHl7DateTime(raw: string, defaults: LocalTimeDefaults = {}): DateTimeResult {
  const match = hl7DateTime.exec(raw);
  if (!match) {
    return {
      ok: false,
      message: `"${raw.slice(0, 40)}" is not an HL7 date-time with at least minutes (YYYYMMDDHHMM[SS][+ZZZZ])`,
    };
  }
  const [, y, mo, d, h, mi, s, fraction, sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallClock);
  if (
    year < 1900 ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return { ok: false, message: `"${raw}" is not a real calendar date and time` };
  }
  let offset: number;
  let assumedUtc = false;
  if (sign !== undefined) {
    offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * (sign === '-' ? -1 : 1);
    if (Math.abs(offset) > 14 * 60 || Number(offsetMinutes) > 59) {
      return { ok: false, message: `"${raw}" has an offset beyond ±14:00` };
    }
  } else if (defaults.timezone !== undefined && isIanaTimeZone(defaults.timezone)) {
    offset = offsetOfLocalTime(defaults.timezone, wallClock);
  } else if (defaults.senderOffsetMinutes !== undefined) {
    offset = defaults.senderOffsetMinutes;
  } else {
    offset = 0;
    assumedUtc = true;
  }
  const fractionPart = fraction !== undefined ? `.${fraction}` : '';
  const value = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fractionPart}${formatOffset(offset)}`;
  return { ok: true, value, assumedUtc, minutePrecision: s === undefined };
}

/** The offset (minutes) an HL7 DTM states, if it states one and is otherwise valid. */
export function offsetOfHl7DateTime(raw: string): number | undefined {
  const match = hl7DateTime.exec(raw);
  if (!match || match[8] === undefined) return undefined;
  const minutes = Number(match[9]) * 60 + Number(match[10]);
  return match[8] === '-' ? -minutes : minutes;
}

/**
 * FHIR `dateTime`/`instant` for an appointment's time: it must name a time and an offset (FHIR
 * itself requires the offset whenever a time is given); a bare date cannot say when to invite.
 */
export function parseFhirDateTime(raw: unknown): DateTimeResult {
  if (typeof raw !== 'string') return { ok: false, message: 'must be a FHIR dateTime string' };
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(raw)) {
    return {
      ok: false,
      message: `"${raw}" is a date without a time; a date-time with offset is required, e.g. 2024-05-01T10:30:00+02:00`,
    };
  }
  if (!isRfc3339DateTime(raw)) {
    return {
      ok: false,
      message: `"${String(raw).slice(0, 40)}" is not a FHIR dateTime with time and offset (e.g. 2024-05-01T10:30:00+02:00)`,
    };
  }
  return { ok: true, value: raw, assumedUtc: false };
}
