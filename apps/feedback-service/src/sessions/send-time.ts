/**
 * Wall-clock arithmetic in IANA time zones with Intl only (no date library is installed): the
 * offset of a zone at an instant, a local date-time to an instant (DST gaps and overlaps resolved
 * like Temporal's `compatible`), and the send time moved out of quiet hours.
 */

export interface QuietHours {
  /** `HH:mm`, local time; equal start and end means no quiet hours. */
  start: string;
  end: string;
}

interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date and time of `instant` in `timeZone` (seconds dropped). */
export function localDateTimeOf(instant: number, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
  };
}

/** Minutes `timeZone` is ahead of UTC at `instant` (e.g. 120 for Zurich in summer). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const local = localDateTimeOf(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const truncated = instant - (((instant % MINUTE) + MINUTE) % MINUTE);
  return Math.round((asUtc - truncated) / MINUTE);
}

/** Every instant a local date-time names in `timeZone`, earliest first: two in a DST overlap, none in a gap. */
function instantsOfLocal(
  local: LocalDateTime,
  timeZone: string,
): { wall: number; found: number[]; before: number } {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const before = offsetMinutesAt(wall - DAY, timeZone);
  const after = offsetMinutesAt(wall + DAY, timeZone);
  const found = [...new Set([before, after])]
    .map((offset) => wall - offset * MINUTE)
    .filter((instant) => {
      const back = localDateTimeOf(instant, timeZone);
      return Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute) === wall;
    })
    .sort((a, b) => a - b);
  return { wall, found, before };
}

/**
 * The instant a local date-time names in `timeZone`. In a DST overlap (the hour repeated in
 * autumn) the earlier instant; in a gap (the hour skipped in spring) the time is read with the
 * offset before the gap, i.e. moved forward by the gap's length (Temporal's `compatible`).
 */
export function instantOfLocal(
  local: LocalDateTime,
  timeZone: string,
  notBefore = -Infinity,
): number {
  const { wall, found, before } = instantsOfLocal(local, timeZone);
  if (found.length === 0) return wall - before * MINUTE;
  return found.find((instant) => instant >= notBefore) ?? (found[found.length - 1] as number);
}

function minutesOfClock(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** True when `instant` falls within the quiet hours, local time in `timeZone`. */
export function isQuiet(instant: number, quietHours: QuietHours, timeZone: string): boolean {
  const start = minutesOfClock(quietHours.start);
  const end = minutesOfClock(quietHours.end);
  if (start === end) return false;
  const local = localDateTimeOf(instant, timeZone);
  const minute = local.hour * 60 + local.minute;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * `instant`, or the end of the quiet hours it falls in (local time in `timeZone`; a span like
 * 21:00-08:00 crosses midnight). A quiet end that a DST gap skips moves forward with the gap.
 */
export function moveOutOfQuietHours(
  instant: number,
  quietHours: QuietHours,
  timeZone: string,
): number {
  if (!isQuiet(instant, quietHours, timeZone)) return instant;
  const start = minutesOfClock(quietHours.start);
  const end = minutesOfClock(quietHours.end);
  const local = localDateTimeOf(instant, timeZone);
  const minute = local.hour * 60 + local.minute;
  // Past midnight's start the quiet hours end tomorrow; otherwise today.
  const endsTomorrow = start > end && minute >= start;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (endsTomorrow ? 1 : 0)));
  const moved = instantOfLocal(
    {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      hour: Math.floor(end / 60),
      minute: end % 60,
    },
    timeZone,
    // In a repeated (autumn) hour the quiet end's second occurrence may be the one still ahead.
    instant,
  );
  return Math.max(moved, instant);
}

export interface SendTimeInput {
  appointmentEndedAt: number;
  invitationDelayMinutes: number;
  quietHours: QuietHours;
  timeZone: string;
  /** Invitations are never scheduled in the past: a late appointment is sent from now on. */
  now: number;
}

/** When to invite: the appointment's end plus the org's delay, not before now, out of quiet hours. */
export function sendTimeOf(input: SendTimeInput): number {
  const earliest = Math.max(
    input.appointmentEndedAt + input.invitationDelayMinutes * MINUTE,
    input.now,
  );
  return moveOutOfQuietHours(earliest, input.quietHours, input.timeZone);
}
