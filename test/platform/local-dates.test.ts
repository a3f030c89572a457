import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/platform/i18n/translator.js';
import {
  formatDateTime,
  formatDue,
  formatLocal,
  fromLocal,
  localParts,
  parseDueDate,
} from '../../src/platform/time/local-dates.js';
import { localTime } from '../../src/platform/time/timezone.js';

const iso = (input: string, timezone: string, now?: Date) => parseDueDate(input, timezone, now)?.toISOString() ?? null;

describe('parseDueDate: the formats of SPEC §2.2', () => {
  it.each([
    ['2026-12-01 18:00', '2026-12-01T15:00:00.000Z'],
    ['2026-12-01T18:00', '2026-12-01T15:00:00.000Z'],
    ['2026-1-5 7:05', '2026-01-05T04:05:00.000Z'],
    ['01.12.2026 18:00', '2026-12-01T15:00:00.000Z'],
    ['1.2.2026 9:05', '2026-02-01T06:05:00.000Z'],
    ['  01.12.2026    18:00  ', '2026-12-01T15:00:00.000Z'],
    ['2028-02-29 00:00', '2028-02-28T21:00:00.000Z'],
    ['31.12.2026 23:59', '2026-12-31T20:59:00.000Z'],
  ])('%s in Europe/Moscow (UTC+3) is %s', (input, expected) => {
    expect(iso(input, 'Europe/Moscow')).toBe(expected);
  });

  describe('today and tomorrow, in words of either language, relative to the user’s own date', () => {
    // 22:30 UTC on 22 Nov: already 23 Nov in Tokyo and Moscow, still 22 Nov in Los Angeles.
    const now = new Date('2026-11-22T22:30:00Z');
    it.each([
      ['today 18:00', 'Asia/Tokyo', '2026-11-23T09:00:00.000Z'],
      ['сегодня 18:00', 'Asia/Tokyo', '2026-11-23T09:00:00.000Z'],
      ['tomorrow 9:00', 'Asia/Tokyo', '2026-11-24T00:00:00.000Z'],
      ['завтра 9:00', 'Asia/Tokyo', '2026-11-24T00:00:00.000Z'],
      ['today 18:00', 'America/Los_Angeles', '2026-11-23T02:00:00.000Z'],
      ['сегодня 18:00', 'America/Los_Angeles', '2026-11-23T02:00:00.000Z'],
      ['tomorrow 9:00', 'America/Los_Angeles', '2026-11-23T17:00:00.000Z'],
      ['завтра 9:00', 'America/Los_Angeles', '2026-11-23T17:00:00.000Z'],
      ['today 18:00', 'Europe/Moscow', '2026-11-23T15:00:00.000Z'],
      ['tomorrow 09:30', 'UTC', '2026-11-23T09:30:00.000Z'],
      ['Tomorrow  9.30', 'UTC', '2026-11-23T09:30:00.000Z'],
      ['ЗАВТРА 9:30', 'UTC', '2026-11-23T09:30:00.000Z'],
      ['СЕГОДНЯ 23:59', 'UTC', '2026-11-22T23:59:00.000Z'],
    ])('%s in %s is %s', (input, zone, expected) => {
      expect(iso(input, zone, now)).toBe(expected);
    });

    it('rolls over month and year ends in the local calendar', () => {
      expect(iso('tomorrow 10:00', 'Asia/Tokyo', new Date('2026-11-30T20:00:00Z'))).toBe('2026-12-02T01:00:00.000Z');
      expect(iso('завтра 10:00', 'Pacific/Auckland', new Date('2026-12-31T12:00:00Z'))).toBe(
        '2027-01-01T21:00:00.000Z',
      );
      expect(iso('tomorrow 00:00', 'America/New_York', new Date('2027-01-01T03:00:00Z'))).toBe(
        '2027-01-01T05:00:00.000Z',
      );
    });

    it('takes the offset of the target day, not of today, across a DST change', () => {
      // Saturday noon in Berlin (CET, +1); Sunday the clocks go forward (CEST, +2).
      const saturday = new Date('2026-03-28T11:00:00Z');
      expect(iso('today 12:00', 'Europe/Berlin', saturday)).toBe('2026-03-28T11:00:00.000Z');
      expect(iso('tomorrow 12:00', 'Europe/Berlin', saturday)).toBe('2026-03-29T10:00:00.000Z');
      const beforeFallBack = new Date('2026-10-31T16:00:00Z');
      expect(iso('завтра 12:00', 'America/New_York', beforeFallBack)).toBe('2026-11-01T17:00:00.000Z');
    });
  });

  describe('time zones with daylight saving time', () => {
    it.each([
      // Europe/Berlin: 29 Mar 2026 02:00 CET → 03:00 CEST; 25 Oct 2026 03:00 CEST → 02:00 CET.
      ['28.03.2026 12:00', 'Europe/Berlin', '2026-03-28T11:00:00.000Z'],
      ['29.03.2026 01:59', 'Europe/Berlin', '2026-03-29T00:59:00.000Z'],
      ['29.03.2026 03:00', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
      ['29.03.2026 12:00', 'Europe/Berlin', '2026-03-29T10:00:00.000Z'],
      ['25.10.2026 01:30', 'Europe/Berlin', '2026-10-24T23:30:00.000Z'],
      ['25.10.2026 03:00', 'Europe/Berlin', '2026-10-25T02:00:00.000Z'],
      ['2026-07-01 09:30', 'Europe/Berlin', '2026-07-01T07:30:00.000Z'],
      ['2026-01-15 09:30', 'Europe/Berlin', '2026-01-15T08:30:00.000Z'],
      // America/New_York: 8 Mar 2026 02:00 EST → 03:00 EDT; 1 Nov 2026 02:00 EDT → 01:00 EST.
      ['2026-03-07 12:00', 'America/New_York', '2026-03-07T17:00:00.000Z'],
      ['2026-03-08 12:00', 'America/New_York', '2026-03-08T16:00:00.000Z'],
      ['2026-11-01 03:00', 'America/New_York', '2026-11-01T08:00:00.000Z'],
      ['2026-07-01 09:30', 'America/New_York', '2026-07-01T13:30:00.000Z'],
      // Half-hour and no-DST zones.
      ['2026-12-01 18:00', 'Asia/Kolkata', '2026-12-01T12:30:00.000Z'],
      ['2026-12-01 18:00', 'Asia/Kathmandu', '2026-12-01T12:15:00.000Z'],
    ])('%s in %s is %s', (input, zone, expected) => {
      expect(iso(input, zone)).toBe(expected);
    });

    it.each([
      ['29.03.2026 02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z', '29.03.2026 03:30'],
      ['2026-03-08 02:30', 'America/New_York', '2026-03-08T07:30:00.000Z', '08.03.2026 03:30'],
    ])(
      'a time the clocks skip (%s in %s) moves forward by the gap, in every zone alike',
      (input, zone, expected, shown) => {
        expect(iso(input, zone)).toBe(expected);
        expect(formatLocal(new Date(expected), zone)).toBe(shown);
      },
    );

    it.each([
      ['25.10.2026 02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
      ['2026-11-01 01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    ])('a time that occurs twice (%s in %s) is the first one', (input, zone, expected) => {
      expect(iso(input, zone)).toBe(expected);
      // An hour later the clock shows the same time again.
      expect(formatLocal(new Date(Date.parse(expected) + 3_600_000), zone)).toBe(formatLocal(new Date(expected), zone));
    });
  });

  it.each([
    '31.02.2026 10:00',
    '30.02.2028 10:00',
    '2026-02-29 10:00',
    '31.04.2026 10:00',
    '2026-13-01 10:00',
    '2026-00-10 10:00',
    '00.12.2026 10:00',
    '2026-12-01 25:00',
    '2026-12-01 24:00',
    '2026-12-01 12:60',
    'today 25:00',
    'tomorrow 9:60',
    'завтра 24:00',
    '25:00',
    '1999-12-31 23:59',
    '2101-01-01 00:00',
    '2026-12-01 18:00:00',
    '2026-12-01T18:00:00Z',
    '01/12/2026 18:00',
    '12/01/2026 6pm',
    '',
    '   ',
    '２０２６-12-01 18:00',
    '2026-12-01 18:00 extra',
  ])('%j is not a due date', (input) => {
    // (A date alone, "tomorrow", "today 9" and the like are dates since SPEC §2.2 says so:
    // see test/tasks/due-dates.test.ts.)
    expect(parseDueDate(input, 'Europe/Moscow', new Date('2026-11-22T12:00:00Z'))).toBeNull();
  });
});

describe('formatLocal', () => {
  it.each([
    ['2026-12-01T15:00:00Z', 'Europe/Moscow', '01.12.2026 18:00'],
    ['2026-01-05T04:05:00Z', 'Europe/Moscow', '05.01.2026 07:05'],
    ['2026-12-31T23:30:00Z', 'Asia/Kolkata', '01.01.2027 05:00'],
    ['2026-01-01T00:00:00Z', 'Pacific/Kiritimati', '01.01.2026 14:00'],
    ['2026-01-01T04:59:00Z', 'America/New_York', '31.12.2025 23:59'],
    ['2026-03-29T00:59:00Z', 'Europe/Berlin', '29.03.2026 01:59'],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', '29.03.2026 03:00'],
    ['2026-06-15T00:00:00Z', 'UTC', '15.06.2026 00:00'],
  ])('%s in %s shows %s', (instant, zone, expected) => {
    expect(formatLocal(new Date(instant), zone)).toBe(expected);
  });

  it('shows midnight as 00:00, never 24:00', () => {
    expect(formatLocal(new Date('2026-05-01T22:00:00Z'), 'Europe/Berlin')).toBe('02.05.2026 00:00');
    expect(localParts(new Date('2026-05-01T22:00:00Z'), 'Europe/Berlin').hour).toBe(0);
  });

  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Adelaide', 'America/St_Johns'])(
    'reads back what parseDueDate accepted, in %s, all year round',
    (zone) => {
      for (let month = 1; month <= 12; month++) {
        const typed = `${String(month * 2).padStart(2, '0')}.${String(month).padStart(2, '0')}.2027 ${String(month + 7).padStart(2, '0')}:45`;
        const parsed = parseDueDate(typed, zone);
        expect(parsed, typed).not.toBeNull();
        expect(formatLocal(parsed as Date, zone)).toBe(typed);
      }
    },
  );

  it('fromLocal is the inverse of localParts away from DST changes', () => {
    const local = { year: 2026, month: 8, day: 9, hour: 10, minute: 11 };
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      expect(localParts(fromLocal(local, zone), zone)).toEqual(local);
    }
  });
});

describe('moments in words (SPEC: dates humanized), in the reader’s zone and language', () => {
  const translator = createTranslator();
  const en = translator.forLocale('en');
  const ru = translator.forLocale('ru');
  // Monday 7 December 2026, 12:00 in Vladivostok (UTC+10).
  const now = new Date('2026-12-07T02:00:00Z');
  const zone = 'Asia/Vladivostok';

  it.each([
    ['today', '2026-12-06T23:24:00Z', 'today 09:24', 'сегодня в 09:24'],
    ['yesterday', '2026-12-06T08:05:00Z', 'yesterday 18:05', 'вчера в 18:05'],
    ['tomorrow', '2026-12-08T00:00:00Z', 'tomorrow 10:00', 'завтра в 10:00'],
    ['this year', '2026-03-05T09:24:00Z', 'Thu, Mar 5, 19:24', 'чт, 5 мар., 19:24'],
    ['another year', '2024-03-05T09:24:00Z', 'Tue, Mar 5, 2024, 19:24', 'вт, 5 мар. 2024 г., 19:24'],
  ])('on a screen that is redrawn (formatDue), %s: %s', (_, instant, english, russian) => {
    expect(formatDue(new Date(instant), zone, en, 'en', now)).toBe(english);
    expect(formatDue(new Date(instant), zone, ru, 'ru', now)).toBe(russian);
  });

  it.each([
    ['today', '2026-12-06T23:24:00Z', 'Mon, Dec 7, 09:24', 'пн, 7 дек., 09:24'],
    ['yesterday', '2026-12-06T08:05:00Z', 'Sun, Dec 6, 18:05', 'вс, 6 дек., 18:05'],
    ['next year', '2027-01-02T00:00:00Z', 'Sat, Jan 2, 2027, 10:00', 'сб, 2 янв. 2027 г., 10:00'],
  ])(
    'in a message that stays in the chat (formatDateTime), %s: the day named, never “today”: %s',
    (_, instant, english, russian) => {
      expect(formatDateTime(new Date(instant), zone, en, 'en', now)).toBe(english);
      expect(formatDateTime(new Date(instant), zone, ru, 'ru', now)).toBe(russian);
    },
  );
});

describe('localTime: a user’s own clock on the settings screen', () => {
  it('turns with the minute in every zone, also those a quarter or half an hour off, whatever order it is asked in', () => {
    const at = (iso: string) => new Date(iso);
    const asked: Array<[string, string, string]> = [
      ['Asia/Kathmandu', '2026-12-06T11:59:59.999Z', '17:44'],
      ['Asia/Kathmandu', '2026-12-06T12:00:00.000Z', '17:45'],
      ['Asia/Kolkata', '2026-12-06T12:00:30.000Z', '17:30'],
      ['Asia/Kathmandu', '2026-12-06T11:59:00.000Z', '17:44'],
      ['Asia/Kolkata', '2026-12-06T12:01:00.000Z', '17:31'],
      ['Europe/Moscow', '2026-12-06T20:59:59.000Z', '23:59'],
      ['Europe/Moscow', '2026-12-06T21:00:00.000Z', '00:00'],
      ['UTC', '2026-12-06T21:00:00.000Z', '21:00'],
      ['Asia/Kolkata', '2026-12-06T12:00:59.000Z', '17:30'],
    ];
    expect(asked.map(([zone, iso]) => localTime(zone, at(iso)))).toEqual(asked.map(([, , shown]) => shown));
  });
});
