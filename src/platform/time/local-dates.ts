import * as chrono from 'chrono-node';
import type { Translate } from '../i18n/translator.js';

/**
 * Due dates are typed and shown in the user's own time zone (SPEC §2.2) and stored in UTC.
 *
 * `parseDueDate` understands what people type, in English and Russian: numeric dates
 * (`2026-12-01 18:00`, `01.12.2026 18:00`, `31.12`, `31.12.2031`: a date alone means 09:00),
 * day words and weekdays with or without a time (`tomorrow 9`, `tomorrow at 9am`, `завтра в 9`,
 * `сегодня в 18:30`, `friday 6pm`, `в пятницу 18:00`, `завтра в 3 часа дня`), a bare time
 * (`18:30`, `в 15 часов`: its next occurrence), and offsets (`in 2 hours`, `через 2 часа`,
 * `через полтора часа`, `in 3 days`, `через 2 дня в 10`, `через месяц`). These are our own rules,
 * written in the user's wall clock and turned into an instant with `fromLocal` (DST-correct);
 * other phrases (`dec 31 10am`, `31 декабря в 10`) go to chrono-node, whose components are read
 * in the same wall clock, and must be consumed whole (no guessing from a part of the text).
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `timezone` at `instant`. */
export function localParts(instant: Date, timezone: string): LocalDateTime {
  let format = partsFormat.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormat.set(timezone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** How far the clock in `timezone` is ahead of UTC at `instant`, in ms (whole minutes). */
export function offsetAt(instant: number, timezone: string): number {
  const t = localParts(new Date(instant), timezone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The UTC instant at which the clock in `timezone` shows `local`. Around a DST change it
 * resolves like Temporal's and java.time's default: a time that occurs twice (clocks go back)
 * is the earlier one; a time skipped (clocks go forward) moves forward by the gap, so
 * 02:30 on a night that jumps from 02:00 to 03:00 is 03:30.
 */
export function fromLocal(local: LocalDateTime, timezone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // At most one offset change lies within a day of any wall time: the offsets a day before and
  // a day after give every candidate.
  const before = asUtc - offsetAt(asUtc - DAY_MS, timezone);
  const after = asUtc - offsetAt(asUtc + DAY_MS, timezone);
  const shows = (instant: number) => {
    const t = localParts(new Date(instant), timezone);
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) === asUtc;
  };
  const fitting = [before, after].filter(shows).sort((a, b) => a - b);
  // No candidate shows it: a skipped time. The offset from before the change lands after the gap.
  return new Date(fitting[0] ?? before);
}

/** The calendar date `days` after `date` (negative: before), by calendar arithmetic. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validTime(hour: number, minute: number): boolean {
  return Number.isInteger(hour) && Number.isInteger(minute) && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

export function validDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** A date alone means this time (SPEC §2.2). */
export const DEFAULT_HOUR = 9;

const at = (date: LocalDate, hour: number, minute: number, timezone: string) =>
  fromLocal({ ...date, hour, minute }, timezone);

// ---------------------------------------------------------------------------------------------
// Words

// Maps, not object literals: a word typed by a user ("__proto__", "constructor") must not find
// Object.prototype's members (it did, and made an invalid date).
const DAY_WORDS = new Map<string, number>([
  ['today', 0],
  ['tomorrow', 1],
  ['tmrw', 1],
  ['day after tomorrow', 2],
  ['the day after tomorrow', 2],
  ['сегодня', 0],
  ['завтра', 1],
  ['послезавтра', 2],
]);

/** Weekday names and their forms (0 = Sunday), matched after an optional "on"/"в"/"во"/"next"/"следующий". */
const WEEKDAY_FORMS: [RegExp, number][] = [
  [/^(?:mon|monday|пн|понедельник|понедельника)$/, 1],
  [/^(?:tue|tues|tuesday|вт|вторник|вторника)$/, 2],
  [/^(?:wed|weds|wednesday|ср|среда|среду|среды)$/, 3],
  [/^(?:thu|thur|thurs|thursday|чт|четверг|четверга)$/, 4],
  [/^(?:fri|friday|пт|пятница|пятницу|пятницы)$/, 5],
  [/^(?:sat|saturday|сб|суббота|субботу|субботы)$/, 6],
  [/^(?:sun|sunday|вс|воскресенье|воскресенья)$/, 0],
];

type DayRef = { kind: 'offset'; days: number } | { kind: 'weekday'; weekday: number; next: boolean };

function dayRef(words: string): DayRef | null {
  const text = words.replace(/,$/, '').trim();
  const offset = DAY_WORDS.get(text);
  if (offset !== undefined) return { kind: 'offset', days: offset };
  const m =
    /^(?:(?:on|в|во)\s+)?(?:(next|this|следующий|следующую|следующее|следующая|след\.?|эту|этот|это)\s+)?(\S+?)\.?$/.exec(
      text,
    );
  if (!m) return null;
  const name = m[2] ?? '';
  const weekday = WEEKDAY_FORMS.find(([re]) => re.test(name))?.[1];
  if (weekday === undefined) return null;
  const next = m[1] !== undefined && !/^(?:this|эту|этот|это)$/.test(m[1]);
  return { kind: 'weekday', weekday, next };
}

/**
 * An hour word and a part of the day may both follow the number: "в 3 часа дня", "в 9 часов
 * утра", "в 15 часов" (each was refused, or read by chrono as a duration).
 */
const HOUR_WORD = '(?:ч|час|часа|часов)';
const DAY_PART = '(am|pm|a\\.m\\.|p\\.m\\.|утра|дня|вечера|ночи)';
const TIME = new RegExp(`^(?:(?:at|@|в|к)\\s+)?(\\d{1,2})(?:[:.](\\d{2}))?\\s*(?:${HOUR_WORD}\\s*)?${DAY_PART}?$`);
const VAGUE_TIME = new RegExp(`^\\d{1,2}(?:\\s*${HOUR_WORD})?$`);

/** "9", "9:30", "9.30", "9am", "9 pm", "18:30", "9 утра", "7 вечера", "3 часа дня"; null when not a time. */
function timeOf(words: string): { hour: number; minute: number } | null {
  const m = TIME.exec(words.trim());
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const suffix = m[3] ?? '';
  if (/^(?:am|a\.m\.|утра|ночи)$/.test(suffix)) {
    if (hour < 1 || hour > 12) return null;
    if (hour === 12) hour = 0;
  } else if (/^(?:pm|p\.m\.|дня|вечера)$/.test(suffix)) {
    if (hour < 1 || hour > 12) return null;
    if (hour !== 12) hour += 12;
  }
  return validTime(hour, minute) ? { hour, minute } : null;
}

type Unit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

const UNITS: [RegExp, Unit][] = [
  [/^(?:m|min|mins|minute|minutes|мин|минуту|минуты|минут)$/, 'minute'],
  [/^(?:h|hr|hrs|hour|hours|ч|час|часа|часов)$/, 'hour'],
  [/^(?:d|day|days|день|дня|дней|сутки|суток)$/, 'day'],
  [/^(?:w|wk|week|weeks|неделю|недели|недель)$/, 'week'],
  [/^(?:mo|mos|month|months|мес|месяц|месяца|месяцев)$/, 'month'],
  [/^(?:y|yr|yrs|year|years|год|года|лет)$/, 'year'],
];

/** The unit a word names ("часа", "mins"), if any. */
const unitOf = (word: string | undefined): Unit | undefined => UNITS.find(([re]) => re.test(word ?? ''))?.[1];

// Counts people spell out ("in five minutes", "через пять минут", "через две недели").
const COUNT_WORDS = new Map<string, number>([
  ['a', 1],
  ['an', 1],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['twelve', 12],
  ['fifteen', 15],
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['одну', 1],
  ['один', 1],
  ['одни', 1],
  ['две', 2],
  ['два', 2],
  ['три', 3],
  ['четыре', 4],
  ['пять', 5],
  ['шесть', 6],
  ['семь', 7],
  ['восемь', 8],
  ['девять', 9],
  ['десять', 10],
  ['двенадцать', 12],
  ['пятнадцать', 15],
  ['двадцать', 20],
  ['тридцать', 30],
  ['сорок', 40],
]);

/** Halves said as one word or phrase: "через полчаса", "через полтора часа", "через полгода". */
const HALVES = new Map<string, [number, Unit]>([
  ['полчаса', [30, 'minute']],
  ['half an hour', [30, 'minute']],
  ['полтора часа', [90, 'minute']],
  ['an hour and a half', [90, 'minute']],
  ['полгода', [6, 'month']],
  ['half a year', [6, 'month']],
]);

/** How far ahead an offset may reach ("in 3 days"), ours or chrono's. */
export const RELATIVE_MAX_DAYS = 366 * 5;
const RELATIVE_MAX_MONTHS = 12 * 5;

/** The same day `months` later; a day the month lacks is its last ("31 Jan" + 1 month = 28/29 Feb). */
function addMonths(date: LocalDate, months: number): LocalDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/**
 * "in 2 hours", "через 2 часа", "in an hour", "через час", "через полчаса", "через 1,5 часа",
 * "через 2 часа 30 минут", "in an hour and 15 minutes",
 * "через месяц", and days or longer with a time: "через 2 дня в 10", "in a week at 9am".
 */
function relative(text: string, now: Date, timezone: string): Date | null | undefined {
  const m = /^(?:in|через)\s+(.+)$/.exec(text);
  if (!m) return undefined;
  const rest = (m[1] ?? '').trim();
  // Hours and minutes together: "через 2 часа 30 минут", "in 1 hour and 15 minutes".
  const both = /^(?:(\d{1,4})\s*|([a-zа-я]+)\s+)?([a-zа-я]+)\s+(?:and\s+|и\s+)?(\d{1,2})\s*([a-zа-я]+)$/.exec(rest);
  if (both) {
    const hours = both[1] !== undefined ? Number(both[1]) : both[2] !== undefined ? COUNT_WORDS.get(both[2]) : 1;
    if (hours !== undefined && unitOf(both[3]) === 'hour' && unitOf(both[5]) === 'minute') {
      const ms = hours * HOUR_MS + Number(both[4]) * MINUTE_MS;
      return ms >= MINUTE_MS && ms <= 366 * DAY_MS ? new Date(now.getTime() + ms) : null;
    }
  }
  const half = HALVES.get(rest);
  const parts = half
    ? undefined
    : /^(?:(\d{1,4}(?:[.,]\d)?)\s*|([a-zа-я]+)\s+)?([a-zа-я]+)(?:,?\s+((?:at|@|в|к)\s+.+))?$/.exec(rest);
  if (!half && !parts) return null;
  const count = half
    ? half[0]
    : parts?.[1] !== undefined
      ? Number(parts[1].replace(',', '.'))
      : parts?.[2] !== undefined
        ? COUNT_WORDS.get(parts[2])
        : 1;
  const unit = half ? half[1] : unitOf(parts?.[3]);
  if (count === undefined || !unit || !(count > 0)) return null;
  const timePart = parts?.[4];
  if (unit === 'minute' || unit === 'hour') {
    // "in 1.5 hours" is 90 minutes; a time of day after an offset in hours makes no sense.
    if (timePart !== undefined) return null;
    const ms = Math.round(count * (unit === 'minute' ? MINUTE_MS : HOUR_MS));
    return ms >= MINUTE_MS && ms <= 366 * DAY_MS ? new Date(now.getTime() + ms) : null;
  }
  if (!Number.isInteger(count)) return null;
  const local = localParts(now, timezone);
  // With a time ("через 2 дня в 10") that time of that day, else the same wall time as now.
  const time = timePart === undefined ? { hour: local.hour, minute: local.minute } : timeOf(timePart);
  if (!time) return null;
  // Days and longer are calendar days: the same wall time, whatever DST does meanwhile.
  let day: LocalDate;
  if (unit === 'month' || unit === 'year') {
    const months = unit === 'month' ? count : count * 12;
    if (months > RELATIVE_MAX_MONTHS) return null;
    day = addMonths(local, months);
  } else {
    const days = unit === 'day' ? count : count * 7;
    if (days > RELATIVE_MAX_DAYS) return null;
    day = addDays(local, days);
  }
  return at(day, time.hour, time.minute, timezone);
}

// ---------------------------------------------------------------------------------------------
// Our own rules

function numericDate(text: string, now: Date, timezone: string): Date | null | undefined {
  // 2026-12-01, 2026-12-01 18:00, 2026-12-01T18:00
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](\d{1,2})[:.](\d{2}))?$/.exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const time = m[4] === undefined ? { hour: DEFAULT_HOUR, minute: 0 } : { hour: Number(m[4]), minute: Number(m[5]) };
    if (!validDate(year, month, day) || !validTime(time.hour, time.minute)) return null;
    return at({ year, month, day }, time.hour, time.minute, timezone);
  }
  // 01.12.2026, 01.12.2026 18:00, 31.12, 31.12 18:00, 31.12 в 18:00
  m = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\.?(?:,?\s+(.+))?$/.exec(text);
  if (m) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    const time = m[4] === undefined ? { hour: DEFAULT_HOUR, minute: 0 } : timeOf(m[4]);
    if (!time) return null;
    if (m[3] !== undefined) {
      const year = Number(m[3]);
      if (!validDate(year, month, day)) return null;
      return at({ year, month, day }, time.hour, time.minute, timezone);
    }
    // No year: its next occurrence (this year, or next year once the day has passed). Today's
    // date stays today's even when the time has passed: "31.12 18:00" typed at 19:00 on 31
    // December is refused as past, as "today 18:00" is, not moved a year ahead unseen.
    const today = localParts(now, timezone);
    const todayKey = today.year * 10_000 + today.month * 100 + today.day;
    for (const year of [today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4]) {
      if (!validDate(year, month, day)) continue; // 29.02 waits for a leap year
      if (year * 10_000 + month * 100 + day >= todayKey)
        return at({ year, month, day }, time.hour, time.minute, timezone);
    }
    return null;
  }
  return undefined;
}

/** A day word or weekday, and a time before or after it (or none: 09:00). */
function dayAndTime(text: string, now: Date, timezone: string): Date | null | undefined {
  const words = text.replace(/,/g, ' ').split(' ').filter(Boolean);
  // Try every split: "<day> <time>", "<time> <day>", "<day>".
  for (let cut = words.length; cut >= 1; cut--) {
    const head = words.slice(0, cut).join(' ');
    const tail = words.slice(cut).join(' ');
    for (const [dayPart, timePart] of [
      [head, tail],
      [tail, head],
    ] as const) {
      const ref = dayRef(dayPart);
      if (!ref) continue;
      const time = timePart ? timeOf(timePart) : { hour: DEFAULT_HOUR, minute: 0 };
      // "tomorrow morning": not ours; chrono may know it.
      if (time) return resolveDay(ref, time, now, timezone);
    }
  }
  return undefined;
}

function resolveDay(ref: DayRef, time: { hour: number; minute: number }, now: Date, timezone: string): Date {
  const today = localParts(now, timezone);
  if (ref.kind === 'offset') return at(addDays(today, ref.days), time.hour, time.minute, timezone);
  const ahead = (ref.weekday - weekdayOf(today) + 7) % 7;
  if (ref.next) {
    // "next Monday": the coming Monday, never today.
    return at(addDays(today, ahead === 0 ? 7 : ahead), time.hour, time.minute, timezone);
  }
  // "Friday 6pm": today if that time is still ahead, else the Friday after.
  const candidate = at(addDays(today, ahead), time.hour, time.minute, timezone);
  return candidate.getTime() > now.getTime()
    ? candidate
    : at(addDays(today, ahead + 7), time.hour, time.minute, timezone);
}

/** "18:30", "at 6pm", "в 9", "в 3 часа дня": the next time the clock shows it. */
function bareTime(text: string, now: Date, timezone: string): Date | null | undefined {
  if (!TIME.test(text)) return undefined;
  // A bare number ("9") without "at"/"в" is too vague to be a time, and so is "2 часа" (a time, or
  // a duration with "через" left out: chrono read "15 часов" as 15 hours from now).
  if (VAGUE_TIME.test(text)) return null;
  const time = timeOf(text);
  if (!time) return null;
  const today = localParts(now, timezone);
  const candidate = at(today, time.hour, time.minute, timezone);
  return candidate.getTime() > now.getTime() ? candidate : at(addDays(today, 1), time.hour, time.minute, timezone);
}

// ---------------------------------------------------------------------------------------------
// chrono-node, for the rest

function viaChrono(text: string, now: Date, timezone: string): Date | null {
  const parser = /[а-я]/.test(text) ? chrono.ru : chrono.en;
  // The reference in the user's wall clock: chrono reads "today" and implied fields from it.
  const reference = { instant: now, timezone: Math.round(offsetAt(now.getTime(), timezone) / MINUTE_MS) };
  const results = parser.parse(text, reference, { forwardDate: true });
  const [result] = results;
  if (results.length !== 1 || !result || result.index !== 0) return null;
  if (result.text.length < text.replace(/[.!]+$/, '').length) return null;
  if (result.end) return null; // a range is not a due date
  const start = result.start;
  const tags = start.tags();
  // An offset reaches no further than our own do: "99999999 часов" is the year 13434, and "2211
  // days" (a date-only offset, tagged apart from those with a time) six years ahead.
  if (tags.has('result/relativeDateAndTime') || tags.has('result/relativeDate')) {
    if (Math.abs(start.date().getTime() - now.getTime()) > RELATIVE_MAX_DAYS * DAY_MS) return null;
    if (tags.has('result/relativeDateAndTime')) return start.date();
  }
  const year = start.get('year');
  const month = start.get('month');
  const day = start.get('day');
  if (year === null || month === null || day === null || !validDate(year, month, day)) return null;
  // A date alone means 09:00; chrono's "evening" or "noon" is a time of its own. Its "morning"
  // (06:00) is not: "tomorrow morning" is the 🌅 Tomorrow 9:00 of the quick picks, the hour a
  // date alone means, not a reminder at dawn.
  const morning = !start.isCertain('hour') && start.tags().has('casualReference/morning');
  const hasTime =
    !morning &&
    (start.isCertain('hour') ||
      /morning|afternoon|evening|night|noon|midnight|утр|вечер|ноч|дн[её]м|полдень|полночь/.test(text));
  const hour = hasTime ? (start.get('hour') ?? DEFAULT_HOUR) : DEFAULT_HOUR;
  const minute = hasTime ? (start.get('minute') ?? 0) : 0;
  if (!validTime(hour, minute)) return null;
  return at({ year, month, day }, hour, minute, timezone);
}

/**
 * Parses a due date typed by a user in their time zone, relative to `now`; null when it is not
 * a date. A result may lie in the past ("today 9" in the evening): callers refuse it with a hint.
 */
export function parseDueDate(input: string, timezone: string, now = new Date()): Date | null {
  const text = input.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').replace(/[!]+$/, '');
  if (!text || text.length > 64) return null;
  // Slashes are read differently on each side of the Atlantic: refuse rather than guess.
  if (/\d\/\d/.test(text)) return null;
  for (const rule of [numericDate, relative, bareTime, dayAndTime]) {
    const found = rule(text, now, timezone);
    if (found !== undefined) return found;
  }
  // Only phrases with words go to chrono: numbers alone are ours to read, or not dates.
  if (!/[a-zа-я]{2}/.test(text)) return null;
  return viaChrono(text, now, timezone);
}

// ---------------------------------------------------------------------------------------------
// Showing dates

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "01.12.2026 18:00" in `timezone`: the numeric form parseDueDate reads back, for logs and tests.
 * Not for a moment shown to a user, which is said in words (SPEC: dates humanized): formatDue on
 * a screen that is redrawn, formatDateTime in a message that stays.
 */
export function formatLocal(instant: Date, timezone: string): string {
  const t = localParts(instant, timezone);
  return `${pad(t.day)}.${pad(t.month)}.${t.year} ${pad(t.hour)}:${pad(t.minute)}`;
}

/** "18:00" in the user's time zone. */
export function formatClock(instant: Date, timezone: string): string {
  const t = localParts(instant, timezone);
  return `${pad(t.hour)}:${pad(t.minute)}`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** "пт, 11 дек." / "Fri, Dec 11" (with the year when it is not this year's). */
export function formatDay(date: LocalDate, locale: string, withYear = false): string {
  const key = `${locale}:${withYear}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
    });
    dayFormats.set(key, format);
  }
  return format.format(new Date(Date.UTC(date.year, date.month - 1, date.day, 12)));
}

/**
 * A moment in words, in the user's zone and language, near days by name: "today 18:00",
 * "tomorrow 09:00", "yesterday 09:24", else "Fri, Dec 11, 18:00" (with the year when it is not
 * this year's) / "сегодня в 18:00", "завтра в 09:00", "вчера в 09:24", "пт, 11 дек., 18:00".
 * For screens that are redrawn (a card, a list: a due date, when a task was created, a comment
 * written, a user last seen, a mailing's start): drawn again when looked at again, so "today"
 * stays true there; a message that stays in the chat unchanged uses formatDateTime.
 */
export function formatDue(instant: Date, timezone: string, t: Translate, locale: string, now = new Date()): string {
  const local = localParts(instant, timezone);
  const today = localParts(now, timezone);
  const time = `${pad(local.hour)}:${pad(local.minute)}`;
  const same = (a: LocalDate, b: LocalDate) => a.year === b.year && a.month === b.month && a.day === b.day;
  if (same(local, today)) return t('date-today', { time });
  if (same(local, addDays(today, 1))) return t('date-tomorrow', { time });
  if (same(local, addDays(today, -1))) return t('date-yesterday', { time });
  return formatDateTime(instant, timezone, t, locale, now);
}

/**
 * A date and time in words that stay true, as formatDue writes a day that is not near:
 * "Fri, Dec 11, 18:00" / "пт, 11 дек., 18:00", with the year when it is not this year's. For
 * messages that stay in the chat unchanged (a reminder, a hint, a confirmation, a summary),
 * where "today" would read wrong tomorrow.
 */
export function formatDateTime(
  instant: Date,
  timezone: string,
  t: Translate,
  locale: string,
  now = new Date(),
): string {
  const local = localParts(instant, timezone);
  const time = `${pad(local.hour)}:${pad(local.minute)}`;
  return t('date-on', { day: formatDay(local, locale, local.year !== localParts(now, timezone).year), time });
}
