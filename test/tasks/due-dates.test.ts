import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { monthRows, quickPickRows, readPick, timeRows } from '../../src/features/tasks/bot/due-picker.js';
import { createTranslator } from '../../src/platform/i18n/translator.js';
import {
  addDays,
  formatDue,
  formatLocal,
  fromLocal,
  localParts,
  parseDueDate,
  weekdayOf,
} from '../../src/platform/time/local-dates.js';

const shown = (input: string, zone: string, now: Date) => {
  const d = parseDueDate(input, zone, now);
  return d ? formatLocal(d, zone) : null;
};

// Wednesday 9 December 2026, 13:00 in Moscow.
const NOW = new Date('2026-12-09T10:00:00Z');

describe('parseDueDate: every form of SPEC §2.2, in the user’s zone', () => {
  it.each([
    ['2026-12-01 18:00', '01.12.2026 18:00'],
    ['01.12.2026 18:00', '01.12.2026 18:00'],
    ['31.12', '31.12.2026 09:00'],
    ['31.12.2031', '31.12.2031 09:00'],
    ['tomorrow 9', '10.12.2026 09:00'],
    ['tomorrow at 9am', '10.12.2026 09:00'],
    ['завтра в 9', '10.12.2026 09:00'],
    ['сегодня в 18:30', '09.12.2026 18:30'],
    ['friday 6pm', '11.12.2026 18:00'],
    ['в пятницу 18:00', '11.12.2026 18:00'],
    ['in 2 hours', '09.12.2026 15:00'],
    ['через 2 часа', '09.12.2026 15:00'],
    // and more of what people type
    ['tomorrow', '10.12.2026 09:00'],
    ['Завтра', '10.12.2026 09:00'],
    ['завтра в 9:00', '10.12.2026 09:00'],
    ['2026-12-24', '24.12.2026 09:00'],
    ['01.12.2027', '01.12.2027 09:00'],
    ['01.12', '01.12.2027 09:00'],
    ['31.12 в 18:30', '31.12.2026 18:30'],
    ['next monday', '14.12.2026 09:00'],
    ['в понедельник', '14.12.2026 09:00'],
    ['во вторник в 7 вечера', '15.12.2026 19:00'],
    ['в следующую пятницу 10:00', '11.12.2026 10:00'],
    ['послезавтра 9:00', '11.12.2026 09:00'],
    ['day after tomorrow 8am', '11.12.2026 08:00'],
    ['9 am tomorrow', '10.12.2026 09:00'],
    ['18:00', '09.12.2026 18:00'],
    ['9am', '10.12.2026 09:00'],
    ['в 9', '10.12.2026 09:00'],
    ['через час', '09.12.2026 14:00'],
    ['через полчаса', '09.12.2026 13:30'],
    ['in an hour', '09.12.2026 14:00'],
    ['in 30 minutes', '09.12.2026 13:30'],
    ['через 3 дня', '12.12.2026 13:00'],
    ['in 2 weeks', '23.12.2026 13:00'],
    ['dec 31 10am', '31.12.2026 10:00'],
    ['31 декабря в 10', '31.12.2026 10:00'],
    ['31 декабря', '31.12.2026 09:00'],
    ['tomorrow evening', '10.12.2026 20:00'],
    ['today 9', '09.12.2026 09:00'], // parsed; the dialog refuses it as past
  ])('%s → %s (Europe/Moscow)', (input, expected) => {
    expect(shown(input, 'Europe/Moscow', NOW)).toBe(expected);
  });

  it.each([
    'garbage',
    '9',
    'завтра 24:00',
    'tomorrow 9:60',
    '25:00',
    '31.02.2026 10:00',
    '2026-13-01',
    '12/01/2026 6pm',
    '1999-12-31 23:59',
    'tomorrow 9 foo',
    'через -2 часа',
    '',
    '２０２６-12-01 18:00',
  ])('%j is not a date', (input) => {
    expect(parseDueDate(input, 'Europe/Moscow', NOW)).toBeNull();
  });

  it('is relative to the user’s own date: at 22:30 UTC it is already tomorrow in Tokyo', () => {
    const late = new Date('2026-11-22T22:30:00Z');
    expect(shown('завтра в 9', 'Asia/Tokyo', late)).toBe('24.11.2026 09:00');
    expect(shown('tomorrow 9', 'America/Los_Angeles', late)).toBe('23.11.2026 09:00');
  });

  it('takes the offset of the target day across a DST change (Berlin, 29 Mar 2026)', () => {
    const saturday = new Date('2026-03-28T11:00:00Z');
    expect(parseDueDate('tomorrow 12:00', 'Europe/Berlin', saturday)?.toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(parseDueDate('in 24 hours', 'Europe/Berlin', saturday)?.toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(shown('через 1 день', 'Europe/Berlin', saturday)).toBe('29.03.2026 12:00');
  });
});

describe('parseDueDate: more of what people type, read as they mean it', () => {
  // NOW: Wednesday 9 December 2026, 13:00 in Moscow.
  it.each([
    // An hour word, with or without the part of the day (each was "not a date I understand").
    ['в 3 часа дня', '09.12.2026 15:00'],
    ['завтра в 3 часа дня', '10.12.2026 15:00'],
    ['в 9 часов утра', '10.12.2026 09:00'],
    ['в пятницу в 7 часов вечера', '11.12.2026 19:00'],
    ['в 15 часов', '09.12.2026 15:00'],
    ['в 2 часа ночи', '10.12.2026 02:00'],
    // Months and years (refused), counts spelled out (refused from four on), halves.
    ['через месяц', '09.01.2027 13:00'],
    ['in a month', '09.01.2027 13:00'],
    ['через 2 месяца', '09.02.2027 13:00'],
    ['через полгода', '09.06.2027 13:00'],
    ['через год', '09.12.2027 13:00'],
    ['через пять минут', '09.12.2026 13:05'],
    ['in ten minutes', '09.12.2026 13:10'],
    ['через полтора часа', '09.12.2026 14:30'],
    ['через 1,5 часа', '09.12.2026 14:30'],
    ['in 1.5 hours', '09.12.2026 14:30'],
    // Hours and minutes together.
    ['через 2 часа 30 минут', '09.12.2026 15:30'],
    ['через час 15 минут', '09.12.2026 14:15'],
    ['in 1 hour and 15 minutes', '09.12.2026 14:15'],
    ['in an hour and 45 mins', '09.12.2026 14:45'],
    // Days ahead at a time of day.
    ['через 2 дня в 10', '11.12.2026 10:00'],
    ['in 2 days at 5pm', '11.12.2026 17:00'],
    ['через неделю в 9 утра', '16.12.2026 09:00'],
    // "Morning" is the quick picks' 🌅 9:00, not chrono's 06:00.
    ['tomorrow morning', '10.12.2026 09:00'],
    ['завтра утром', '10.12.2026 09:00'],
    ['friday morning', '11.12.2026 09:00'],
  ])('%s → %s (Europe/Moscow)', (input, expected) => {
    expect(shown(input, 'Europe/Moscow', NOW)).toBe(expected);
  });

  it.each([
    '15 часов', // a time, or "через" left out: chrono read it as 15 hours from now
    '2 часа',
    'через 2 часа в 10',
    'in 2.5 days',
    'через 61 месяц',
  ])('%j is not a date (too vague, or too far)', (input) => {
    expect(parseDueDate(input, 'Europe/Moscow', NOW)).toBeNull();
  });

  it('a month ahead from the 31st is the last day of a shorter month, leap years included', () => {
    const jan31 = new Date('2027-01-31T10:00:00Z'); // 13:00 in Moscow
    expect(shown('через месяц', 'Europe/Moscow', jan31)).toBe('28.02.2027 13:00');
    expect(shown('через 13 месяцев', 'Europe/Moscow', jan31)).toBe('29.02.2028 13:00');
    expect(shown('in a year', 'Europe/Moscow', new Date('2028-02-29T10:00:00Z'))).toBe('28.02.2029 13:00');
  });

  it('a month ahead keeps the wall time across a DST change (Berlin, March)', () => {
    // 10:00 CET on 1 March; a month later it is CEST, and still 10:00 on the clock.
    expect(shown('in a month', 'Europe/Berlin', new Date('2026-03-01T09:00:00Z'))).toBe('01.04.2026 10:00');
  });

  it('today’s date typed without a year is today, even once its time has passed (the dialog refuses it as past)', () => {
    // 19:00 on 31 December in Moscow.
    const evening = new Date('2026-12-31T16:00:00Z');
    expect(shown('31.12 18:00', 'Europe/Moscow', evening)).toBe('31.12.2026 18:00');
    expect(shown('31.12', 'Europe/Moscow', evening)).toBe('31.12.2026 09:00');
    expect(shown('31.12 19:30', 'Europe/Moscow', evening)).toBe('31.12.2026 19:30');
    // A day already past is its next occurrence, next year.
    expect(shown('30.12', 'Europe/Moscow', evening)).toBe('30.12.2027 09:00');
    expect(shown('01.01', 'Europe/Moscow', evening)).toBe('01.01.2027 09:00');
  });
});

describe('parseDueDate: properties over random zones and reference times', () => {
  const zones = fc.constantFrom(
    'Europe/Moscow',
    'Europe/Berlin',
    'Europe/London',
    'America/New_York',
    'America/Los_Angeles',
    'America/Sao_Paulo',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Pacific/Auckland',
    'Pacific/Chatham',
    'UTC',
  );
  // 2026–2030, including every DST change of those years.
  const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 11, 1) }).map((ms) => new Date(ms));
  const hours = fc.integer({ min: 0, max: 23 });
  const minutes = fc.integer({ min: 0, max: 59 });
  const pad = (n: number) => String(n).padStart(2, '0');
  /** A wall time that exists in the zone on that day (not skipped by a DST jump). */
  const exists = (zone: string, day: { year: number; month: number; day: number }, h: number, m: number) => {
    const l = localParts(fromLocal({ ...day, hour: h, minute: m }, zone), zone);
    return l.hour === h && l.minute === m;
  };

  test.prop([zones, instants, hours, minutes])(
    '“tomorrow H:MM” / “завтра в H:MM” is that wall time on the next local day',
    (zone, now, h, m) => {
      const tomorrow = addDays(localParts(now, zone), 1);
      for (const input of [`tomorrow ${h}:${pad(m)}`, `завтра в ${h}:${pad(m)}`]) {
        const due = parseDueDate(input, zone, now);
        expect(due).not.toBeNull();
        const local = localParts(due as Date, zone);
        expect({ year: local.year, month: local.month, day: local.day }).toEqual(tomorrow);
        if (exists(zone, tomorrow, h, m)) expect([local.hour, local.minute]).toEqual([h, m]);
      }
    },
  );

  test.prop([zones, instants, fc.integer({ min: 1, max: 500 })])(
    '“in N hours” / “через N часов” is exactly N hours later',
    (zone, now, n) => {
      const expected = now.getTime() + n * 3_600_000;
      expect(parseDueDate(`in ${n} hours`, zone, now)?.getTime()).toBe(expected);
      expect(parseDueDate(`через ${n} часов`, zone, now)?.getTime()).toBe(expected);
    },
  );

  test.prop([zones, instants, fc.integer({ min: 0, max: 6 }), hours])(
    '“friday 6pm”-style: the next such weekday and hour, within a week',
    (zone, now, weekday, h) => {
      const names = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
      const due = parseDueDate(`${names[weekday]} ${h}:00`, zone, now) as Date;
      expect(due).not.toBeNull();
      expect(due.getTime()).toBeGreaterThan(now.getTime());
      expect(due.getTime() - now.getTime()).toBeLessThanOrEqual(8 * 86_400_000);
      expect(weekdayOf(localParts(due, zone))).toBe(weekday);
    },
  );

  test.prop([zones, instants, fc.integer({ min: 0, max: 1500 }), hours, minutes])(
    '“DD.MM.YYYY HH:MM” reads back as typed whenever that wall time exists',
    (zone, now, days, h, m) => {
      const day = addDays(localParts(now, zone), days);
      const typed = `${pad(day.day)}.${pad(day.month)}.${day.year} ${pad(h)}:${pad(m)}`;
      const due = parseDueDate(typed, zone, now) as Date;
      expect(due).not.toBeNull();
      if (exists(zone, day, h, m)) expect(formatLocal(due, zone)).toBe(typed);
    },
  );

  test.prop([zones, instants, fc.integer({ min: 1, max: 1500 })])(
    'a date alone is 09:00 of that day',
    (zone, now, days) => {
      const day = addDays(localParts(now, zone), days);
      const due = parseDueDate(`${day.year}-${pad(day.month)}-${pad(day.day)}`, zone, now) as Date;
      const local = localParts(due, zone);
      expect([local.day, local.month, local.year, local.hour, local.minute]).toEqual([
        day.day,
        day.month,
        day.year,
        9,
        0,
      ]);
    },
  );
});

describe('formatDue: the date in words', () => {
  const translator = createTranslator();
  const en = translator.forLocale('en');
  const ru = translator.forLocale('ru');
  it.each([
    ['2026-12-09T15:00:00Z', 'today 18:00', 'сегодня в 18:00'],
    ['2026-12-10T06:00:00Z', 'tomorrow 09:00', 'завтра в 09:00'],
    ['2026-12-08T06:00:00Z', 'yesterday 09:00', 'вчера в 09:00'],
    ['2026-12-11T15:00:00Z', 'Fri, Dec 11, 18:00', 'пт, 11 дек., 18:00'],
    ['2027-01-15T06:00:00Z', 'Fri, Jan 15, 2027, 09:00', 'пт, 15 янв. 2027 г., 09:00'],
  ])('%s in Moscow', (instant, english, russian) => {
    expect(formatDue(new Date(instant), 'Europe/Moscow', en, 'en', NOW)).toBe(english);
    expect(formatDue(new Date(instant), 'Europe/Moscow', ru, 'ru', NOW)).toBe(russian);
  });
});

describe('the due-date picker', () => {
  const t = createTranslator().forLocale('en');
  const clock = { now: NOW, timezone: 'Europe/Moscow' };
  const data = (rows: object[][]) => rows.flat().map((b) => ('callback_data' in b ? String(b.callback_data) : ''));

  it('quick picks: today 18:00, tomorrow 9:00, next Monday 9:00, in 1 hour, and the calendar', () => {
    const picks = data(quickPickRows(t, clock, 'en')).map((d) => readPick(d, clock));
    expect(
      picks.filter((p) => p.kind === 'due').map((p) => formatLocal((p as { dueAt: Date }).dueAt, 'Europe/Moscow')),
    ).toEqual(['09.12.2026 18:00', '10.12.2026 09:00', '14.12.2026 09:00', '09.12.2026 14:00']);
    expect(picks.at(-1)).toEqual({ kind: 'month', year: 2026, month: 12 });
  });

  it('the Monday pick names its date: on a Monday morning it is next week’s, and says so (both languages)', () => {
    const labels = (rows: { text: string }[][]) => rows.flat().map((b) => b.text);
    expect(labels(quickPickRows(t, clock, 'en'))).toContain('📆 Mon, Dec 14, 9:00');
    const ru = createTranslator().forLocale('ru');
    expect(labels(quickPickRows(ru, clock, 'ru'))).toContain('📆 пн, 14 дек., 9:00');
    // 07:00 on Monday 14 December in Moscow: "Monday 9:00" would read as two hours from now.
    const monday = { now: new Date('2026-12-14T04:00:00Z'), timezone: 'Europe/Moscow' };
    const rows = quickPickRows(t, monday, 'en');
    expect(labels(rows)).toContain('📆 Mon, Dec 21, 9:00');
    const pick = readPick(data(rows).find((d) => d.endsWith('qw9')) ?? '', monday);
    expect(formatLocal((pick as { dueAt: Date }).dueAt, 'Europe/Moscow')).toBe('21.12.2026 09:00');
  });

  it('the month grid: past days inert, navigation forward and back, never before this month', () => {
    const rows = monthRows(t, 'en', clock, 2026, 12);
    expect(rows[0]?.map((b) => b.text)).toEqual(['·', 'December 2026', '▶']);
    const days = rows.slice(2, -1).flat();
    expect(days.filter((b) => /^\d+$/.test(b.text)).map((b) => b.text)[0]).toBe('9');
    expect(days.filter((b) => b.text === '✕')).toHaveLength(8);
    const next = readPick(data([rows[0] ?? []])[2] ?? '', clock);
    expect(next).toEqual({ kind: 'month', year: 2027, month: 1 });
    expect(monthRows(t, 'en', clock, 2027, 1)[0]?.map((b) => b.text)).toEqual(['◀', 'January 2027', '▶']);
    expect(readPick('dlg:dm202611', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dm202613', clock)).toEqual({ kind: 'invalid' });
  });

  it('the month heading is the month and the year, as a Russian calendar writes it (no “г.”)', () => {
    const ru = createTranslator().forLocale('ru');
    expect(monthRows(ru, 'ru', clock, 2026, 12)[0]?.[1]?.text).toBe('Декабрь 2026');
    expect(monthRows(ru, 'ru', clock, 2027, 5)[0]?.[1]?.text).toBe('Май 2027');
  });

  it('the time grid only offers hours still ahead; forged days and times are invalid', () => {
    const today = timeRows(t, clock, { year: 2026, month: 12, day: 9 })
      .flat()
      .map((b) => b.text);
    expect(today[0]).toBe('14:00');
    const later = timeRows(t, clock, { year: 2026, month: 12, day: 10 })
      .flat()
      .map((b) => b.text);
    expect(later[0]).toBe('07:00');
    expect(readPick('dlg:dd20261208', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dd20261332', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dt202612109999', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dqzz', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dt202612101830', clock)).toMatchObject({ kind: 'due' });
  });
});
