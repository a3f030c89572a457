/**
 * Due dates are typed and shown in the user's own time zone (SPEC §2.2) and stored in UTC.
 * Accepted input: `2026-12-01 18:00`, `01.12.2026 18:00`, `tomorrow 9:00` / `завтра 9:00`,
 * `today 18:00` / `сегодня 18:00`.
 */

interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
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

/** How far the clock in `timezone` is ahead of UTC at `instant`, in ms (whole minutes). */
function offsetAt(instant: number, timezone: string): number {
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

function validTime(hour: number, minute: number): boolean {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses a due date typed by a user in their time zone; null when it is not one of the formats. */
export function parseDueDate(input: string, timezone: string, now = new Date()): Date | null {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})$/.exec(text);
  if (match) {
    const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
    if (!validDate(year, month, day) || !validTime(hour, minute)) return null;
    return fromLocal({ year, month, day, hour, minute }, timezone);
  }
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (match) {
    const [day, month, year, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
    if (!validDate(year, month, day) || !validTime(hour, minute)) return null;
    return fromLocal({ year, month, day, hour, minute }, timezone);
  }
  match = /^(today|сегодня|tomorrow|завтра) (\d{1,2})[:.](\d{2})$/.exec(text);
  if (match) {
    const hour = Number(match[2]);
    const minute = Number(match[3]);
    if (!validTime(hour, minute)) return null;
    const today = localParts(now, timezone);
    const offsetDays = match[1] === 'tomorrow' || match[1] === 'завтра' ? 1 : 0;
    // Calendar arithmetic on the local date, then back to an instant.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offsetDays));
    return fromLocal(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
      timezone,
    );
  }
  return null;
}

/** "01.12.2026 18:00": how due dates and times are shown, in the user's time zone. */
export function formatLocal(instant: Date, timezone: string): string {
  const t = localParts(instant, timezone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(t.day)}.${pad(t.month)}.${t.year} ${pad(t.hour)}:${pad(t.minute)}`;
}
