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

export function isValidTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Returns the canonical IANA name for user input, or null if it is not a time zone. */
export function normalizeTimezone(input: string): string | null {
  const text = input.trim().replace(/\s+/g, '_');
  if (!text || text.length > 64) return null;
  const offset = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?00)?$/i.exec(text);
  if (offset) {
    const hours = Number(offset[2]);
    if (hours > 14) return null;
    if (hours === 0) return 'UTC';
    // POSIX Etc zones have inverted signs: UTC+3 is Etc/GMT-3.
    return `Etc/GMT${offset[1] === '+' ? '-' : '+'}${hours}`;
  }
  if (/^(utc|gmt|z)$/i.test(text)) return 'UTC';
  const known = canonicalNames().get(text.toLowerCase());
  if (known) return known;
  if (!isValidTimezone(text)) return null;
  // Accepted by ICU but not in the canonical list (aliases like Europe/Kiev): keep ICU's spelling.
  return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
}

/** "14:05" in the given zone, for showing a user their own local time. */
export function localTime(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(now);
}
