import {
  instantOfLocal,
  isQuiet,
  moveOutOfQuietHours,
  offsetMinutesAt,
  sendTimeOf,
} from './send-time';

const at = (iso: string): number => Date.parse(iso);
const iso = (instant: number): string => new Date(instant).toISOString();
const overnight = { start: '21:00', end: '08:00' };

describe('send time', () => {
  describe('offsetMinutesAt', () => {
    it.each([
      ['2024-01-15T12:00:00Z', 'Europe/Zurich', 60],
      ['2024-07-15T12:00:00Z', 'Europe/Zurich', 120],
      ['2024-07-15T12:00:00Z', 'America/New_York', -240],
      ['2024-07-15T12:00:00Z', 'Asia/Kolkata', 330],
      ['2024-07-15T12:00:00Z', 'UTC', 0],
    ])('should give the offset at %s in %s', (instant, zone, offset) => {
      expect(offsetMinutesAt(at(instant), zone)).toBe(offset);
    });
  });

  describe('instantOfLocal', () => {
    it('should read a plain local time with the zone offset', () => {
      expect(
        iso(instantOfLocal({ year: 2024, month: 7, day: 1, hour: 8, minute: 0 }, 'Europe/Zurich')),
      ).toBe('2024-07-01T06:00:00.000Z');
    });

    it('should move a time skipped by the spring DST gap forward by the gap', () => {
      // 2024-03-31 02:30 does not exist in Zurich (02:00 -> 03:00); it reads as 03:30 CEST.
      expect(
        iso(
          instantOfLocal({ year: 2024, month: 3, day: 31, hour: 2, minute: 30 }, 'Europe/Zurich'),
        ),
      ).toBe('2024-03-31T01:30:00.000Z');
    });

    it('should take the earlier of the two instants of the repeated autumn hour', () => {
      // 2024-10-27 02:30 happens twice in Zurich: 00:30Z (CEST) and 01:30Z (CET).
      expect(
        iso(
          instantOfLocal({ year: 2024, month: 10, day: 27, hour: 2, minute: 30 }, 'Europe/Zurich'),
        ),
      ).toBe('2024-10-27T00:30:00.000Z');
    });
  });

  describe('isQuiet', () => {
    it.each([
      ['2024-07-01T19:30:00Z', true], // 21:30 Zurich
      ['2024-07-01T23:00:00Z', true], // 01:00 next day
      ['2024-07-01T05:59:00Z', true], // 07:59
      ['2024-07-01T06:00:00Z', false], // 08:00: the end is not quiet
      ['2024-07-01T18:59:00Z', false], // 20:59
    ])('should tell whether %s is within 21:00-08:00 Zurich time', (instant, quiet) => {
      expect(isQuiet(at(instant), overnight, 'Europe/Zurich')).toBe(quiet);
    });

    it('should treat equal start and end as no quiet hours', () => {
      expect(isQuiet(at('2024-07-01T02:00:00Z'), { start: '00:00', end: '00:00' }, 'UTC')).toBe(
        false,
      );
    });
  });

  describe('moveOutOfQuietHours', () => {
    it('should keep a time outside the quiet hours', () => {
      expect(iso(moveOutOfQuietHours(at('2024-07-01T10:00:00Z'), overnight, 'Europe/Zurich'))).toBe(
        '2024-07-01T10:00:00.000Z',
      );
    });

    it('should move an evening time to the next morning across midnight', () => {
      // 22:15 Zurich on July 1st -> 08:00 on July 2nd (06:00Z).
      expect(iso(moveOutOfQuietHours(at('2024-07-01T20:15:00Z'), overnight, 'Europe/Zurich'))).toBe(
        '2024-07-02T06:00:00.000Z',
      );
    });

    it('should move an early-morning time to the same morning', () => {
      // 03:00 Zurich -> 08:00 the same day.
      expect(iso(moveOutOfQuietHours(at('2024-07-02T01:00:00Z'), overnight, 'Europe/Zurich'))).toBe(
        '2024-07-02T06:00:00.000Z',
      );
    });

    it('should move within quiet hours that do not span midnight', () => {
      const lunch = { start: '12:00', end: '13:30' };
      expect(iso(moveOutOfQuietHours(at('2024-07-01T12:45:00Z'), lunch, 'UTC'))).toBe(
        '2024-07-01T13:30:00.000Z',
      );
    });

    it('should land on 08:00 local time on the night clocks go forward', () => {
      // 2024-03-30 22:00 CET (21:00Z) -> 2024-03-31 08:00 CEST = 06:00Z, not 07:00Z.
      expect(iso(moveOutOfQuietHours(at('2024-03-30T21:00:00Z'), overnight, 'Europe/Zurich'))).toBe(
        '2024-03-31T06:00:00.000Z',
      );
    });

    it('should land on 08:00 local time on the night clocks go back', () => {
      // 2024-10-26 23:00 CEST (21:00Z) -> 2024-10-27 08:00 CET = 07:00Z.
      expect(iso(moveOutOfQuietHours(at('2024-10-26T21:00:00Z'), overnight, 'Europe/Zurich'))).toBe(
        '2024-10-27T07:00:00.000Z',
      );
    });

    it('should move forward by the gap when the quiet end is skipped by DST', () => {
      // Quiet 01:00-02:30 in Zurich on 2024-03-31: 02:30 does not exist, so 03:30 CEST (01:30Z).
      expect(
        iso(
          moveOutOfQuietHours(
            at('2024-03-31T00:15:00Z'),
            { start: '01:00', end: '02:30' },
            'Europe/Zurich',
          ),
        ),
      ).toBe('2024-03-31T01:30:00.000Z');
    });

    it('should use the second 02:30 when the time is already in the repeated hour', () => {
      // 2024-10-27 02:10 CET (the second pass, 01:10Z) with quiet 01:00-02:30 -> 02:30 CET (01:30Z).
      expect(
        iso(
          moveOutOfQuietHours(
            at('2024-10-27T01:10:00Z'),
            { start: '01:00', end: '02:30' },
            'Europe/Zurich',
          ),
        ),
      ).toBe('2024-10-27T01:30:00.000Z');
    });

    it('should honour the zone of the appointment in the US', () => {
      // 23:30 in New York (EDT, 03:30Z) -> 08:00 EDT = 12:00Z.
      expect(
        iso(moveOutOfQuietHours(at('2024-07-02T03:30:00Z'), overnight, 'America/New_York')),
      ).toBe('2024-07-02T12:00:00.000Z');
    });
  });

  describe('sendTimeOf', () => {
    it('should add the org delay to the end of the appointment', () => {
      expect(
        iso(
          sendTimeOf({
            appointmentEndedAt: at('2024-07-01T08:00:00Z'),
            invitationDelayMinutes: 120,
            quietHours: overnight,
            timeZone: 'Europe/Zurich',
            now: at('2024-07-01T08:00:00Z'),
          }),
        ),
      ).toBe('2024-07-01T10:00:00.000Z');
    });

    it('should never schedule in the past and still honour quiet hours from now', () => {
      expect(
        iso(
          sendTimeOf({
            appointmentEndedAt: at('2024-06-01T08:00:00Z'),
            invitationDelayMinutes: 120,
            quietHours: overnight,
            timeZone: 'Europe/Zurich',
            now: at('2024-07-01T20:00:00Z'),
          }),
        ),
      ).toBe('2024-07-02T06:00:00.000Z');
    });
  });
});
