import tzLookup from '@photostructure/tz-lookup';

/**
 * Time zones are stored as IANA names. Users type them in any case, or as a UTC offset
 * ("+3", "UTC-5", "GMT+05:30" is refused: IANA has only whole-hour Etc zones).
 */
let canonicalByLower: Map<string, string> | undefined;

function canonicalNames(): Map<string, string> {
  if (!canonicalByLower) {
    canonicalByLower = new Map();
    for (const name of [...Intl.supportedValuesOf('timeZone'), 'UTC']) canonicalByLower.set(name.toLowerCase(), name);
  }
  return canonicalByLower;
}

let zoneByCity: Map<string, string> | undefined;

/** The last part of every canonical zone name (its city), when only one zone has it. */
function cityNames(): Map<string, string> {
  if (!zoneByCity) {
    zoneByCity = new Map();
    const seen = new Set<string>();
    for (const name of Intl.supportedValuesOf('timeZone')) {
      if (!name.includes('/') || name.startsWith('Etc/')) continue;
      const city = (name.split('/').pop() ?? '').toLowerCase();
      if (seen.has(city)) zoneByCity.delete(city);
      else zoneByCity.set(city, name);
      seen.add(city);
    }
  }
  return zoneByCity;
}

export function isValidTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Returns the canonical IANA name for user input, or null if it is not a time zone. */
/** What a refused time zone is told, in the API's validation problems. */
export const TIMEZONE_HINT = 'Unknown time zone: use an IANA name such as Europe/Moscow, or a UTC offset such as UTC+3';

export function normalizeTimezone(input: string): string | null {
  const text = input.trim().replace(/\s+/g, '_');
  if (!text || text.length > 64) return null;
  // "UTC−3" with the minus sign (U+2212), as typeset text and some keyboards write it.
  const offset = /^(?:utc|gmt)?([+\-−])(\d{1,2})(?::?00)?$/i.exec(text);
  if (offset) {
    const hours = Number(offset[2]);
    const ahead = offset[1] === '+';
    if (hours === 0) return 'UTC';
    // POSIX Etc zones have inverted signs: UTC+3 is Etc/GMT-3. They run from UTC−12 (Etc/GMT+12)
    // to UTC+14 (Etc/GMT-14): "UTC-13" names no zone, and storing it would break every later use.
    if (ahead ? hours > 14 : hours > 12) return null;
    return `Etc/GMT${ahead ? '-' : '+'}${hours}`;
  }
  if (/^(utc|gmt|z)$/i.test(text)) return 'UTC';
  const known = canonicalNames().get(text.toLowerCase());
  if (known) return known;
  // A city of the IANA list typed alone: "berlin", "New York", "Ho Chi Minh".
  const city = cityNames().get(text.toLowerCase());
  if (city) return city;
  // ICU also takes offsets ("+05:30", "−10"), which are not IANA names, and PostgreSQL reads them
  // with the opposite sign (POSIX): only names go on to ICU.
  if (!/^[A-Za-z]/.test(text) || !isValidTimezone(text)) return null;
  // Accepted by ICU but not in the canonical list (aliases like Europe/Kiev): keep ICU's spelling.
  return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
}

/**
 * Formatters by zone. Building an Intl.DateTimeFormat costs far more than using one (it was the
 * largest single frame of the settings screen in the bot's CPU profile), and the zones in use
 * are few; a bounded map, cleared when full, keeps an unusual burst of zones from growing it.
 */
const FORMATTERS_MAX = 1_000;
const clockFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat>,
  timezone: string,
  build: (timezone: string) => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let format = cache.get(timezone);
  if (!format) {
    format = build(timezone);
    remember(cache, timezone, format);
  }
  return format;
}

/** Keeps `value` under a zone, clearing the map first when a new zone would take it past FORMATTERS_MAX. */
function remember<V>(cache: Map<string, V>, timezone: string, value: V): void {
  if (!cache.has(timezone) && cache.size >= FORMATTERS_MAX) cache.clear();
  cache.set(timezone, value);
}

/**
 * The last clock text per zone and the UTC minute it is for. Formatting is still the settings
 * screen's largest frame of its own once the formatter is kept (issue 17's profile: ~10 µs a
 * call), and every user of a zone reads the same text all minute: today's zones differ from UTC
 * by whole minutes, so a zone's clock turns with UTC's minute.
 */
const clockTexts = new Map<string, { minute: number; text: string }>();

/** "14:05" in the given zone, for showing a user their own local time. */
export function localTime(timezone: string, now = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const known = clockTexts.get(timezone);
  if (known?.minute === minute) return known.text;
  const text = cachedFormat(
    clockFormats,
    timezone,
    (timeZone) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }),
  ).format(now);
  remember(clockTexts, timezone, { minute, text });
  return text;
}

/**
 * The time zone of a place (a shared location), offline; null when the coordinates are invalid
 * or the place has no civil time zone (the open sea, where only nautical Etc/GMT±N zones exist).
 */
export function zoneAt(latitude: number, longitude: number): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  let zone: string;
  try {
    zone = tzLookup(latitude, longitude);
  } catch {
    return null;
  }
  if (!zone || zone.startsWith('Etc/')) return null;
  return normalizeTimezone(zone);
}

/** "UTC+3", "UTC−3:30", "UTC": how far the zone's clock is from UTC at `now`. */
export function utcOffset(timezone: string, now = new Date()): string {
  const parts = cachedFormat(
    offsetFormats,
    timezone,
    (timeZone) => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }),
  ).formatToParts(now);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m || (m[2] === '00' && m[3] === '00')) return 'UTC';
  const hours = String(Number(m[2]));
  return `UTC${m[1]}${hours}${m[3] === '00' ? '' : `:${m[3]}`}`;
}
