import type { InlineKeyboardButton } from 'grammy/types';
import { DIALOG_PREFIX } from '../../../platform/bot/ui/ask.js';
import type { Language } from '../../../platform/i18n/languages.js';
import type { Translate } from '../../../platform/i18n/translator.js';
import {
  addDays,
  daysInMonth,
  formatDay,
  fromLocal,
  type LocalDate,
  localParts,
  validDate,
  weekdayOf,
} from '../../../platform/time/local-dates.js';
import { normalizeTimezone } from '../../../platform/time/timezone.js';
import { timezonePresets } from '../../users/index.js';

/**
 * The due-date picker (SPEC §2.2): quick picks (today 18:00, tomorrow 9:00, next Monday 9:00,
 * in 1 hour) and a calendar (month grid → day → time grid). Pure: it builds keyboards and reads
 * pressed payloads against a given "now" and time zone; the dialog (dialogs.ts) asks and saves.
 *
 * For a user whose time zone is still the default (the first-start question skipped), the quick
 * picks also offer 🌍 Set time zone: the settings' presets for their language, or a zone typed.
 *
 * Payloads (callback_data ≤ 64 bytes): `dlg:dq<code>` quick pick, `dlg:dm<yyyymm>` a month,
 * `dlg:dd<yyyymmdd>` a day, `dlg:dt<yyyymmdd><hhmm>` a time, `dlg:dn` an inert cell (a title, a
 * weekday, an empty one), `dlg:dp` a day already past, `dlg:db` back to the quick picks,
 * `dlg:dw` the time zones, `dlg:dz<IANA name>` a time zone.
 */
const P = `${DIALOG_PREFIX}d`;
export const isDuePayload = (data: string) => data.startsWith(P);
/** Cells that do nothing: pressed, they are answered (a past day with why), the dialog goes on. */
export const INERT = `${P}n`;
export const PAST_DAY = `${P}p`;

/** How far ahead the calendar goes. */
const MONTHS_AHEAD = 36;
/** The time grid: whole hours from 07:00 to 22:00. */
const GRID_HOURS = Array.from({ length: 16 }, (_, i) => i + 7);

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: LocalDate) => `${d.year}${pad(d.month)}${pad(d.day)}`;
/** Telegram refuses blank button texts: empty cells show a thin dot. */
const BLANK = '·';
const inert = (text: string): InlineKeyboardButton => ({ text, callback_data: INERT });

export type Pick =
  | { kind: 'due'; dueAt: Date }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'day'; date: LocalDate }
  | { kind: 'zones' }
  | { kind: 'zone'; zone: string }
  | { kind: 'inert' }
  | { kind: 'invalid' };

interface Clock {
  now: Date;
  timezone: string;
}

const QUICK = {
  today: 't18',
  tomorrow: 'm9',
  monday: 'w9',
  hour: 'h1',
  calendar: 'c',
} as const;

function nextMonday(today: LocalDate): LocalDate {
  const ahead = (1 - weekdayOf(today) + 7) % 7;
  return addDays(today, ahead === 0 ? 7 : ahead);
}

/**
 * The quick-pick rows of the due-date prompt. "Today 18:00" only while 18:00 is ahead. The Monday
 * one names its date: on a Monday morning "Monday 9:00" read as today's, and was a week ahead.
 */
export function quickPickRows(t: Translate, clock: Clock, locale: string): InlineKeyboardButton[][] {
  const local = localParts(clock.now, clock.timezone);
  const todayEvening = fromLocal({ ...local, hour: 18, minute: 0 }, clock.timezone);
  const first: InlineKeyboardButton[] = [];
  if (todayEvening.getTime() > clock.now.getTime()) {
    first.push({ text: t('due-pick-today'), callback_data: `${P}q${QUICK.today}` });
  }
  first.push({ text: t('due-pick-tomorrow'), callback_data: `${P}q${QUICK.tomorrow}` });
  return [
    first,
    [
      {
        text: t('due-pick-monday', { day: formatDay(nextMonday(local), locale) }),
        callback_data: `${P}q${QUICK.monday}`,
      },
      { text: t('due-pick-hour'), callback_data: `${P}q${QUICK.hour}` },
    ],
    [{ text: t('due-pick-calendar'), callback_data: `${P}q${QUICK.calendar}` }],
  ];
}

/** The quick picks' 🌍 Set time zone row. */
export const zoneButtonRow = (t: Translate): InlineKeyboardButton[] => [
  { text: t('due-zone-set'), callback_data: `${P}w` },
];

/** The time zones: the settings' presets for the language, two a row, and ↩️ back to the due date. */
export function zoneRows(t: Translate, language: Language): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  for (const [i, preset] of timezonePresets(language).entries()) {
    const button = { text: preset.label, callback_data: `${P}z${preset.zone}` };
    if (i % 2 === 0) rows.push([button]);
    else rows.at(-1)?.push(button);
  }
  rows.push([{ text: t('due-zone-back'), callback_data: `${P}b` }]);
  return rows;
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();
function monthTitle(locale: string, year: number, month: number): string {
  let format = monthFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
    monthFormats.set(locale, format);
  }
  // The month and the year only: ICU's Russian adds "г." ("декабрь 2026 г."), which no calendar
  // heading carries.
  const text = format
    .formatToParts(new Date(Date.UTC(year, month - 1, 15)))
    .filter((part) => part.type === 'month' || part.type === 'year')
    .map((part) => part.value)
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>();
function weekdayNames(locale: string): string[] {
  let format = weekdayFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short' });
    weekdayFormats.set(locale, format);
  }
  // 2024-01-01 was a Monday: weeks start on Monday.
  return Array.from({ length: 7 }, (_, i) => {
    const name = (format as Intl.DateTimeFormat).format(new Date(Date.UTC(2024, 0, 1 + i)));
    return name.charAt(0).toUpperCase() + name.slice(1);
  });
}

const monthIndex = (year: number, month: number) => year * 12 + (month - 1);

/** The month grid: ◀ title ▶, weekday names, days (past ones inert), and ↩ back to the quick picks. */
export function monthRows(
  t: Translate,
  locale: string,
  clock: Clock,
  year: number,
  month: number,
): InlineKeyboardButton[][] {
  const today = localParts(clock.now, clock.timezone);
  const first = monthIndex(today.year, today.month);
  const shown = monthIndex(year, month);
  const nav = (index: number) => `${P}m${Math.floor(index / 12)}${pad((index % 12) + 1)}`;
  const rows: InlineKeyboardButton[][] = [
    [
      shown > first ? { text: '◀', callback_data: nav(shown - 1) } : inert(BLANK),
      inert(monthTitle(locale, year, month)),
      shown < first + MONTHS_AHEAD ? { text: '▶', callback_data: nav(shown + 1) } : inert(BLANK),
    ],
    weekdayNames(locale).map((name) => inert(name)),
  ];
  const lead = (weekdayOf({ year, month, day: 1 }) + 6) % 7; // Monday first
  let week: InlineKeyboardButton[] = Array.from({ length: lead }, () => inert(BLANK));
  for (let day = 1; day <= daysInMonth(year, month); day++) {
    const date = { year, month, day };
    const past = ymd(date) < ymd(today);
    week.push(
      past ? { text: '✕', callback_data: PAST_DAY } : { text: String(day), callback_data: `${P}d${ymd(date)}` },
    );
    if (week.length === 7) {
      rows.push(week);
      week = [];
    }
  }
  if (week.length) rows.push([...week, ...Array.from({ length: 7 - week.length }, () => inert(BLANK))]);
  rows.push([{ text: t('due-pick-back'), callback_data: `${P}b` }]);
  return rows;
}

/** The time grid of a day: hours still ahead, four a row, and ◀ back to its month. */
export function timeRows(t: Translate, clock: Clock, date: LocalDate): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  for (const hour of GRID_HOURS) {
    if (fromLocal({ ...date, hour, minute: 0 }, clock.timezone).getTime() <= clock.now.getTime()) continue;
    row.push({ text: `${pad(hour)}:00`, callback_data: `${P}t${ymd(date)}${pad(hour)}00` });
    if (row.length === 4) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  rows.push([{ text: t('due-pick-back-month'), callback_data: `${P}m${date.year}${pad(date.month)}` }]);
  return rows;
}

function readDate(text: string): LocalDate | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return validDate(date.year, date.month, date.day) ? date : null;
}

/**
 * What a pressed picker button means now. Forged or stale payloads (an impossible date, a month
 * out of range, a day already past) are `invalid`: the dialog answers and changes nothing.
 */
export function readPick(data: string, clock: Clock): Pick | { kind: 'quick' } {
  if (!data.startsWith(P)) return { kind: 'invalid' };
  const kind = data.charAt(P.length);
  const arg = data.slice(P.length + 1);
  const today = localParts(clock.now, clock.timezone);
  const at = (date: LocalDate, hour: number, minute = 0) => fromLocal({ ...date, hour, minute }, clock.timezone);
  switch (kind) {
    case 'n':
      return arg === '' ? { kind: 'inert' } : { kind: 'invalid' };
    case 'b':
      return arg === '' ? { kind: 'quick' } : { kind: 'invalid' };
    case 'w':
      return arg === '' ? { kind: 'zones' } : { kind: 'invalid' };
    case 'z': {
      const zone = normalizeTimezone(arg);
      return zone ? { kind: 'zone', zone } : { kind: 'invalid' };
    }
    case 'q':
      if (arg === QUICK.today) return { kind: 'due', dueAt: at(today, 18) };
      if (arg === QUICK.tomorrow) return { kind: 'due', dueAt: at(addDays(today, 1), 9) };
      if (arg === QUICK.monday) return { kind: 'due', dueAt: at(nextMonday(today), 9) };
      if (arg === QUICK.hour) return { kind: 'due', dueAt: new Date(clock.now.getTime() + 3_600_000) };
      if (arg === QUICK.calendar) return { kind: 'month', year: today.year, month: today.month };
      return { kind: 'invalid' };
    case 'm': {
      const m = /^(\d{4})(\d{2})$/.exec(arg);
      if (!m) return { kind: 'invalid' };
      const year = Number(m[1]);
      const month = Number(m[2]);
      const index = monthIndex(year, month);
      const first = monthIndex(today.year, today.month);
      if (month < 1 || month > 12 || index < first || index > first + MONTHS_AHEAD) return { kind: 'invalid' };
      return { kind: 'month', year, month };
    }
    case 'd': {
      const date = readDate(arg);
      if (!date || ymd(date) < ymd(today)) return { kind: 'invalid' };
      return { kind: 'day', date };
    }
    case 't': {
      const date = readDate(arg.slice(0, 8));
      const m = /^(\d{2})(\d{2})$/.exec(arg.slice(8));
      if (!date || !m) return { kind: 'invalid' };
      const hour = Number(m[1]);
      const minute = Number(m[2]);
      if (hour > 23 || minute > 59) return { kind: 'invalid' };
      return { kind: 'due', dueAt: at(date, hour, minute) };
    }
  }
  return { kind: 'invalid' };
}
