import { fc } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeToken } from '../../src/features/accounts/linking.js';
import { parsePmArgs } from '../../src/features/chat/bot/actions.js';
import { parseContent } from '../../src/features/chat/chat.js';
import { FrameError, parseClientFrame, refOf } from '../../src/features/chat/ws/frames.js';
import { normalizeFilter } from '../../src/features/mailings/audience.js';
import { parseButtonLines } from '../../src/features/mailings/bot/dialogs.js';
import {
  checkButtons,
  entitiesToHtml,
  htmlProblem,
  mailingCall,
  validateContent,
  visibleHtml,
} from '../../src/features/mailings/content.js';
import { parseWindowText, readWindow } from '../../src/features/mailings/mailings.js';
import { readPick } from '../../src/features/tasks/bot/due-picker.js';
import { parseListPayload } from '../../src/features/tasks/bot/list.js';
import { parseCommentText } from '../../src/features/tasks/comments.js';
import { NOTICE_CALLBACK, REMINDER_CALLBACK } from '../../src/features/tasks/jobs/reminders.js';
import { parseCursor } from '../../src/features/tasks/lists.js';
import { parseDescription, parseTags, parseTitle } from '../../src/features/tasks/tasks.js';
import { readTimezone } from '../../src/features/users/bot/timezone.js';
import { normalizeHandle } from '../../src/features/users/index.js';
import { parsePhone, parsePhoneInput } from '../../src/features/users/phone.js';
import { parseEmail, parseText } from '../../src/features/users/text-policy.js';
import { splitPayload } from '../../src/platform/bot/ui/payload.js';
import { isRowId } from '../../src/platform/db/row-id.js';
import { DomainError } from '../../src/platform/errors.js';
import { parseTrustedProxies } from '../../src/platform/http/trusted-proxies.js';
import { characterCount } from '../../src/platform/telegram/entities.js';
import { escapeHtml, splitText } from '../../src/platform/telegram/html.js';
import {
  checkCaption,
  checkReplyMarkup,
  checkText,
  parseHtml,
} from '../../src/platform/telegram/stand-in/telegram-rules.js';
import { isoString } from '../../src/platform/time/iso-string.js';
import { formatLocal, parseDueDate, RELATIVE_MAX_DAYS } from '../../src/platform/time/local-dates.js';
import { isValidTimezone, normalizeTimezone, utcOffset, zoneAt } from '../../src/platform/time/timezone.js';
import { anyJson, anyText, params, report, runs, STRANGE_PIECES, strangeText } from '../helpers/fuzz.js';

/**
 * Issue 18, point 4: every parser and validator of what users and clients send, under random
 * and strange input. Each either accepts (and then what it returns is well-formed, stable under a
 * second pass, and storable) or refuses the way its callers expect (null, a problem, a
 * DomainError, a FrameError) — never anything else.
 */

const RUNS = runs(200);
const counted: Array<[string, number]> = [];

/** fc.assert with the run's seed and budget, counted for the closing line. */
function check<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IPropertyWithHooks<Ts>,
  numRuns = RUNS,
  examples: Ts[] = [],
): void {
  fc.assert(property, params(numRuns, examples));
  counted.push([name, numRuns + examples.length]);
}

afterAll(() => {
  const total = counted.reduce((n, [, r]) => n + r, 0);
  report('properties', { properties: counted.length, runs: total });
});

/** What PostgreSQL cannot store in text (NUL) or the driver would silently change (lone surrogates). */
const storable = (text: string) => !text.includes('\u0000') && !/\p{Cs}/u.test(text);

/** Runs `work`; a DomainError is a refusal, anything else thrown is a bug. */
function refusedOrValue<T>(work: () => T): T | DomainError {
  try {
    return work();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

const ZONES = [
  'UTC',
  'Europe/Moscow',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Etc/GMT+12',
];
const zone = fc.constantFrom(...ZONES);
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms));

/** What people type as dates: words, numbers and separators of both languages, and strange text. */
const dateLike = fc.oneof(
  anyText(),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'tomorrow',
          'завтра',
          'today',
          'сегодня',
          'next',
          'friday',
          'в',
          'пятницу',
          'in',
          'через',
          'at',
          'am',
          'pm',
          'вечера',
          'hours',
          'часа',
          'days',
          'weeks',
          'dec',
          'декабря',
          'evening',
          ':',
          '.',
          '-',
          ',',
          '/',
          'T',
          ' ',
        ),
        fc.integer({ min: 0, max: 99_999 }).map(String),
        fc.constantFrom(...STRANGE_PIECES),
      ),
      { maxLength: 8 },
    )
    .map((words) => words.join(' ')),
);

describe('dates and time zones', () => {
  it('isoString is toISOString for every instant, extended years and invalid dates included', () => {
    check(
      'isoString',
      fc.property(fc.date({ noInvalidDate: false }), (date) => {
        if (Number.isNaN(date.getTime())) expect(() => isoString(date)).toThrow(RangeError);
        else expect(isoString(date)).toBe(date.toISOString());
      }),
      RUNS * 5,
      [
        [new Date('0999-12-31T23:59:59.999Z')],
        [new Date('1000-01-01T00:00:00.000Z')],
        [new Date('2026-03-09T07:05:03.007Z')],
        [new Date('9999-12-31T23:59:59.999Z')],
        [new Date('+010000-01-01T00:00:00.000Z')],
        [new Date(-1)],
        [new Date(Number.NaN)],
      ],
    );
  });

  it('parseDueDate never throws and returns null or a real instant within the years it accepts', () => {
    check(
      'parseDueDate',
      fc.property(dateLike, zone, instant, (input, timezone, now) => {
        const due = parseDueDate(input, timezone, now);
        if (due === null) return;
        expect(Number.isFinite(due.getTime())).toBe(true);
        // Dates are read in the years 2000–2100 (validDate), shifted by the zone at most a day.
        expect(due.getUTCFullYear()).toBeGreaterThanOrEqual(1999);
        expect(due.getUTCFullYear()).toBeLessThanOrEqual(2101);
      }),
      RUNS * 2,
      // chrono read these as offsets of any size: a due date in the year 13434.
      [
        ['99999999 часов', 'UTC', new Date('2026-12-06T00:00:00Z')],
        ['54666 часа', 'UTC', new Date('2052-10-06T06:00:00Z')],
        // Object.prototype's names were found in the word tables: an invalid date, a RangeError.
        ['__proto__', 'UTC', new Date('2020-01-01T00:00:00Z')],
        ['constructor', 'UTC', new Date('2020-01-01T00:00:00Z')],
        ['in constructor days', 'UTC', new Date('2020-01-01T00:00:00Z')],
      ],
    );
  });

  it('an offset ("3 days", "in 2 weeks", "через 5 часов") reaches no further than five years, in either language', () => {
    const unit = fc.constantFrom(
      ...['minutes', 'hours', 'hour', 'days', 'day', 'weeks', 'week'],
      ...['минут', 'часов', 'часа', 'час', 'дней', 'дня', 'день', 'недель', 'недели', 'неделю'],
    );
    const offset = fc
      .tuple(fc.constantFrom('', 'in ', 'через '), fc.integer({ min: 1, max: 99_999 }), unit)
      .map(([prefix, n, word]) => `${prefix}${n} ${word}`);
    check(
      'parseDueDate offsets',
      fc.property(offset, zone, instant, (input, timezone, now) => {
        const due = parseDueDate(input, timezone, now);
        if (due === null) return;
        // A date-only offset lands on that day at the default hour: up to a day past the offset.
        expect(Math.abs(due.getTime() - now.getTime())).toBeLessThanOrEqual((RELATIVE_MAX_DAYS + 1) * 86_400_000);
      }),
      RUNS,
      // chrono tags "N days" apart from "N hours": it went six years ahead.
      [
        ['2211 days', 'UTC', new Date('2054-12-13T00:00:00.000Z')],
        ['99999 недель', 'Europe/Moscow', new Date('2026-12-06T12:00:00.000Z')],
      ],
    );
  });

  it('a date shown as "DD.MM.YYYY HH:MM" reads back as the same minute, in every zone', () => {
    check(
      'parseDueDate round trip',
      fc.property(zone, instant, instant, (timezone, due, now) => {
        const shown = formatLocal(due, timezone);
        const read = parseDueDate(shown, timezone, now);
        expect(read && formatLocal(read, timezone)).toBe(shown);
      }),
    );
  });

  it('normalizeTimezone and readTimezone never throw; what they return is a zone that normalizes to itself', () => {
    const typed = fc.oneof(
      anyText(),
      fc.constantFrom(...Intl.supportedValuesOf('timeZone')).map((z) => z.toLowerCase().replace('_', ' ')),
      fc
        .tuple(
          fc.constantFrom('', 'UTC', 'gmt', 'utc '),
          fc.constantFrom('+', '-', '−'),
          fc.integer({ min: 0, max: 99 }),
        )
        .map(([p, s, h]) => `${p}${s}${h}`),
      fc.constantFrom(
        'Москва',
        'moscow',
        'Europe/Kiev',
        'z',
        'EST5EDT',
        'Etc/GMT-14',
        'America/Argentina/Buenos_Aires',
      ),
    );
    check(
      'normalizeTimezone',
      fc.property(typed, (input) => {
        for (const read of [normalizeTimezone(input), readTimezone(input)]) {
          if (read === null) continue;
          expect(isValidTimezone(read)).toBe(true);
          expect(normalizeTimezone(read)).toBe(read);
          expect(utcOffset(read)).toMatch(/^UTC(?:[+-]\d{1,2}(?::\d{2})?)?$/);
          // An IANA name (or UTC), never an ICU offset such as "-10:00": PostgreSQL reads those with the opposite sign.
          expect(read).toMatch(/^[A-Za-z]/);
        }
      }),
      RUNS,
      [['−10'], ['+05:30'], ['-10:00']],
    );
  });

  it('a whole-hour UTC offset typed as "+N" / "UTC-N" gives a zone that far from UTC, or none past UTC−12 / UTC+14', () => {
    check(
      'timezone offsets',
      fc.property(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 20 }), (sign, hours) => {
        const read = normalizeTimezone(`UTC${sign}${hours}`);
        if (hours > (sign === '+' ? 14 : 12)) {
          // Etc/GMT+13 does not exist: storing it would make every later use of the zone throw.
          expect(read).toBeNull();
          return;
        }
        expect(read).not.toBeNull();
        expect(utcOffset(read as string)).toBe(hours === 0 ? 'UTC' : `UTC${sign}${hours}`);
      }),
      60,
      [
        ['-', 13],
        ['-', 14],
      ],
    );
  });

  it('zoneAt never throws, whatever the coordinates, and returns a valid zone or null', () => {
    const coordinate = fc.oneof(fc.double(), fc.double({ min: -200, max: 200, noNaN: true }));
    check(
      'zoneAt',
      fc.property(coordinate, coordinate, (latitude, longitude) => {
        const found = zoneAt(latitude, longitude);
        if (found !== null) expect(isValidTimezone(found)).toBe(true);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// HTML

/** Telegram-HTML-like text: tags (good, bad, unclosed, with attributes), entities, and text. */
const htmlLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<b>',
        '</b>',
        '<i>',
        '</i>',
        '<B>',
        '<b >',
        '</b >',
        '<b x>',
        '<b x="1">',
        '</b x="1">',
        '<a href="https://e.com">',
        "<a href='https://e.com/?a=1&b=2'>",
        '<a href=https://e.com/x>',
        '<a href=e.com>',
        '<a href = "x">',
        '<a>',
        '</a>',
        '<code>',
        '</code>',
        '<pre>',
        '</pre>',
        '<code class="language-ts">',
        '<blockquote>',
        '<blockquote expandable>',
        '</blockquote>',
        '<tg-spoiler>',
        '</tg-spoiler>',
        '<span class="tg-spoiler">',
        '<span class=tg-spoiler>',
        '<span>',
        '</span>',
        '<div>',
        '<br/>',
        '</>',
        '< b>',
        '&lt;',
        '&gt;',
        '&amp;',
        '&quot;',
        '&nbsp;',
        '&#65;',
        '&#x41;',
        '&#0;',
        '&#xd800;',
        '&#9999999;',
        '&#x10ffff;',
        '&',
        '<',
        '>',
        ' ',
        '\n',
      ),
      strangeText(2),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

/** What Telegram makes of HTML: its text, or its refusal. */
const telegramReads = (html: string): { text: string } | { refused: string } => {
  try {
    return { text: parseHtml(html).text };
  } catch (err) {
    return { refused: (err as Error).message };
  }
};

describe('HTML', () => {
  it('counts Telegram characters as code points, lone surrogates included, without copying the text', () => {
    const units = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud83d', '\ude00', '😀', 'a')), {
      maxLength: 20,
    });
    check(
      'characterCount',
      fc.property(units, (parts) => {
        const text = parts.join('');
        expect(characterCount(text)).toBe([...text].length);
      }),
      RUNS,
      [[['\ud83d']], [['😀', '\ude00', '\ud83d']], [[]]],
    );
  });

  it('htmlProblem never throws, and HTML it accepts Telegram accepts too, showing the same text', () => {
    check(
      'htmlProblem vs Telegram',
      fc.property(htmlLike, (html) => {
        if (htmlProblem(html) !== null) return;
        expect(telegramReads(html)).toEqual({ text: visibleHtml(html) });
      }),
      RUNS * 3,
      [
        ['<b x>bold</b>'],
        ['<b>bold</b x="1">'],
        ['<a href=https://e.com/x>link</a>'],
        ['&#0; and &#xd800; and &#9999999;'],
      ],
    );
  });

  it('any text escaped with escapeHtml is valid HTML that shows the text itself', () => {
    check(
      'escapeHtml',
      fc.property(anyText(), (text) => {
        const html = escapeHtml(text);
        expect(htmlProblem(html)).toBeNull();
        expect(visibleHtml(html)).toBe(text);
        expect(telegramReads(html)).toEqual({ text });
      }),
    );
  });

  it('Telegram entities written as HTML read back as the same text', () => {
    const nested = fc
      .tuple(anyText(), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('bold', 'italic', 'code', 'text_link'))))
      .map(([text, spans]) => {
        // Properly nested entities, as Telegram sends them: each new one inside or after the last.
        const entities: Array<{ type: string; offset: number; length: number; url?: string }> = [];
        let floor = 0;
        for (const [a, b, type] of spans) {
          if (text.length - floor < 1) break;
          const offset = floor + (a % (text.length - floor));
          const length = 1 + (b % (text.length - offset));
          entities.push({ type, offset, length, ...(type === 'text_link' ? { url: 'https://e.com/?a=<&>' } : {}) });
          floor = offset;
          if (entities.length > 1) {
            const outer = entities[entities.length - 2] as { offset: number; length: number };
            const inner = entities[entities.length - 1] as { offset: number; length: number };
            if (inner.offset + inner.length > outer.offset + outer.length) entities.pop();
          }
        }
        return { text, entities };
      });
    check(
      'entitiesToHtml',
      fc.property(nested, ({ text, entities }) => {
        const html = entitiesToHtml(text, entities);
        expect(htmlProblem(html)).toBeNull();
        expect(visibleHtml(html)).toBe(text);
      }),
    );
  });

  it('splitText cuts any text into parts Telegram takes, losing at most the break it cut at', () => {
    check(
      'splitText',
      fc.property(
        fc.oneof(
          anyText(),
          fc.array(fc.constantFrom('a', ' ', '\n', '&amp;', '😀', 'я'), { maxLength: 3000 }).map((a) => a.join('')),
        ),
        fc.integer({ min: 16, max: 4096 }),
        (text, limit) => {
          const parts = splitText(text, limit);
          let at = 0;
          for (const [index, part] of parts.entries()) {
            expect(part.length).toBeLessThanOrEqual(limit);
            expect(/[\ud800-\udbff]$/.test(part) && /^[\udc00-\udfff]/.test(parts[index + 1] ?? '')).toBe(false);
            expect(text.startsWith(part, at)).toBe(true);
            at += part.length;
            // The break cut at is dropped: between two parts, or the text's last character (a
            // trailing break with nothing after it; Telegram trims it anyway).
            const cutAtBreak = index < parts.length - 1 || at === text.length - 1;
            if (cutAtBreak && (text[at] === ' ' || text[at] === '\n')) at++;
          }
          expect(at).toBe(text.length);
        },
      ),
      RUNS,
      [['a😀&amp;&amp;&amp;&amp;\n', 23]],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Phones

const phoneLike = fc.oneof(
  anyText(),
  fc
    .tuple(
      fc.constantFrom('', '+', '8', '+7', '7', '+1', '+380', '+81', '+44', '00'),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), fc.constantFrom(' ', '-', '(', ')', '.', 'x')), {
        maxLength: 18,
      }),
    )
    .map(([prefix, rest]) => prefix + rest.join('')),
);

describe('phone numbers', () => {
  it('parsePhone never throws; an accepted number is E.164 and reads back as itself', () => {
    check(
      'parsePhone',
      fc.property(phoneLike, (raw) => {
        const parsed = parsePhone(raw);
        if (!parsed) return;
        expect(parsed.phone).toMatch(/^\+\d{8,15}$/);
        if (parsed.operatorCode !== null) expect(parsed.operatorCode).toMatch(/^\d{2,3}$/);
        expect(parsePhone(parsed.phone)).toEqual(parsed);
        expect(parsePhoneInput(` ${parsed.phone} `)).toEqual(parsed);
      }),
      RUNS * 2,
    );
  });

  it('a number written in international form (with "+") keeps its country code', () => {
    const e164 = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 14 }))
      .map(([first, rest]) => `+${first}${rest.join('')}`);
    // +81 3 1234 5678: a Tokyo number, not a Russian one written with the trunk prefix 8.
    check(
      'parsePhone keeps E.164',
      fc.property(e164, (phone) => {
        expect(parsePhone(phone)?.phone).toBe(phone);
      }),
      RUNS,
      [['+81312345678'], ['+86123456789']],
    );
  });

  it('parsePhoneInput refuses anything longer than a hand-written number', () => {
    check(
      'parsePhoneInput',
      fc.property(anyText(), (raw) => {
        const parsed = parsePhoneInput(raw);
        if (raw.length > 32) expect(parsed).toBeNull();
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// WebSocket frames

describe('WebSocket chat frames', () => {
  const frameLike = fc.oneof(
    anyText(),
    anyJson().map((v) => JSON.stringify(v) ?? 'undefined'),
    fc
      .record(
        {
          type: fc.oneof(fc.constantFrom('pm', 'room', 'join', 'leave', 'PM', 'error', ''), anyJson()),
          to: fc.oneof(anyText(), anyJson()),
          text: fc.oneof(anyText(), anyJson()),
          ref: fc.oneof(anyText(), anyJson()),
          from: anyJson(),
          __proto__: anyJson(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  );

  it('parseClientFrame returns a frame of a known type or throws a FrameError, never anything else', () => {
    check(
      'parseClientFrame',
      fc.property(frameLike, (data) => {
        try {
          const frame = parseClientFrame(data);
          expect(['pm', 'room', 'join', 'leave']).toContain(frame.type);
          if (frame.ref !== undefined) expect(frame.ref.length).toBeLessThanOrEqual(64);
        } catch (err) {
          expect(err).toBeInstanceOf(FrameError);
          const { ref } = err as FrameError;
          if (ref !== undefined) expect(typeof ref === 'string' && ref.length <= 64).toBe(true);
        }
      }),
      RUNS * 2,
      // 65 UTF-16 units in 59 code points: zod's max(64) counted code points and let it through.
      [[JSON.stringify({ type: 'join', ref: `${'x'.repeat(53)}${'𐀀'.repeat(6)}` })]],
    );
  });

  it('a well-formed frame reads back with its fields and nothing else', () => {
    const frame = fc.oneof(
      fc.record({
        type: fc.constant('pm' as const),
        to: anyText(),
        text: anyText(),
        ref: fc.string({ maxLength: 64 }),
      }),
      fc.record({ type: fc.constant('room' as const), text: anyText() }),
      fc.record({ type: fc.constantFrom('join' as const, 'leave' as const) }),
    );
    check(
      'parseClientFrame round trip',
      fc.property(frame, fc.dictionary(fc.constantFrom('from', 'id', 'extra'), anyJson()), (f, extra) => {
        expect(parseClientFrame(JSON.stringify({ ...extra, ...f }))).toEqual(f);
      }),
    );
  });

  it('refOf, the unparsed read of a dropped frame, finds the ref parseClientFrame would, and no other', () => {
    // Any frame, any member order, texts full of quotes, backslashes and "ref": the frame's own ref
    // or none (no other member carries a "ref" key: the first one is taken, documented in refOf).
    const member = fc.oneof(anyText(), fc.constantFrom('"ref":"evil"', '\\"ref\\":"x"', 'ref', '"ref"'));
    const frame = fc.record(
      { type: fc.constantFrom('pm', 'room', 'join', 'leave'), to: member, text: member, ref: anyText(), id: member },
      { requiredKeys: ['type'] },
    );
    check(
      'refOf',
      fc.property(frame, fc.boolean(), (f, spaced) => {
        const data = JSON.stringify(f, null, spaced ? 1 : undefined);
        let parsed: string | undefined;
        try {
          parsed = parseClientFrame(data).ref;
        } catch (err) {
          parsed = (err as FrameError).ref;
        }
        expect(refOf(data)).toBe(parsed);
      }),
    );
    expect(refOf('{"type":"pm","ref":"a\\"b"}')).toBe('a"b');
    expect(refOf(Buffer.from('{"ref":"x"}'))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Callback data and deep links

describe('callback data and deep-link payloads', () => {
  const payloadLike = fc.oneof(
    anyText(),
    fc
      .tuple(
        fc.constantFrom(
          '',
          'rm:',
          'tn:',
          'pm:reply:',
          'reg:',
          'lnk:',
          'mlu:',
          'mlr:',
          'dlg:d',
          'dlg:dq',
          'dlg:dt',
          'dlg:dd',
          'dlg:dm',
          'c',
          'o',
          's',
        ),
        fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 21n }).map(String), anyText(), fc.string({ maxLength: 14 })),
        fc.constantFrom('', ':d', ':o', ':z15', ':a', '.x', '.', ':yes'),
      )
      .map(([a, b, c]) => a + b + c),
  );

  it('ids from outside are row ids only within bigint, and cursors never throw', () => {
    check(
      'isRowId / parseCursor',
      fc.property(payloadLike, (raw) => {
        if (isRowId(raw)) expect(BigInt(raw) <= 9_223_372_036_854_775_807n).toBe(true);
        const cursor = parseCursor(raw);
        if (cursor) expect(isRowId(cursor.id)).toBe(true);
      }),
      RUNS * 2,
    );
  });

  it('the reminder and notice buttons carry only row ids the database can take', () => {
    check(
      'callback regexes',
      fc.property(payloadLike, (raw) => {
        for (const pattern of [REMINDER_CALLBACK, NOTICE_CALLBACK]) {
          const m = pattern.exec(raw);
          // An id past bigint passes the pattern; the handlers must treat it as "not found" (bot fuzz).
          if (m) expect(m[1]).toMatch(/^\d{1,19}$/);
        }
      }),
    );
  });

  it('the due picker reads any payload as a pick or "invalid", and every due it reads is a real instant', () => {
    check(
      'readPick',
      fc.property(payloadLike, zone, instant, (raw, timezone, now) => {
        const pick = readPick(raw, { now, timezone });
        expect(['due', 'month', 'day', 'inert', 'invalid', 'quick']).toContain(pick.kind);
        if (pick.kind === 'due') expect(Number.isFinite(pick.dueAt.getTime())).toBe(true);
      }),
      RUNS * 2,
    );
  });

  it('list payloads and <id>.<action> pairs never throw and keep their parts', () => {
    check(
      'parseListPayload / splitPayload',
      fc.property(
        payloadLike,
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('.')),
        (raw, id) => {
          const list = parseListPayload(raw);
          if (list && 'taskId' in list) expect(list.taskId).toMatch(/^\d{1,19}$/);
          if (list && 'page' in list) expect(Number.isSafeInteger(list.page)).toBe(true);
          expect(splitPayload(`${id}.${raw}`)).toEqual({ id, action: raw });
        },
      ),
    );
  });

  it('link tokens, /pm arguments and usernames never throw', () => {
    check(
      'looksLikeToken / parsePmArgs / normalizeHandle',
      fc.property(fc.oneof(anyText(), fc.uuid()), (raw) => {
        if (looksLikeToken(raw)) expect(raw.trim()).toMatch(/^[0-9a-f-]{36}$/i);
        const { handle, text } = parsePmArgs(raw);
        if (handle !== null) expect(handle).not.toMatch(/\s/);
        expect(text).toBe(text.trim());
        const name = normalizeHandle(raw);
        if (name !== null) expect(name).toMatch(/^[a-z0-9_]{3,32}$/);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Texts users write

describe('texts users write', () => {
  const parsers: Array<[string, (s: string) => string]> = [
    ['task title', parseTitle],
    ['task description', parseDescription],
    ['comment', parseCommentText],
    ['chat message', (s) => parseContent(s, undefined).text],
    ['media caption', (s) => parseContent(s, undefined, { type: 'photo', fileId: 'f' }).text],
    ['tags', (s) => parseTags(s).join(' ')],
  ];

  it.each(parsers)('a %s is refused with a DomainError or accepted storable and stable', (_, parse) => {
    check(
      `text: ${_}`,
      fc.property(anyText(), (raw) => {
        const outcome = refusedOrValue(() => parse(raw));
        if (outcome instanceof DomainError) return;
        expect(storable(outcome)).toBe(true);
        expect(parse(outcome)).toBe(outcome);
      }),
      RUNS,
      [['a\u0000b'], ['\ud800 lone'], ['ok\udfff']],
    );
  });

  it('profile texts and e-mails are refused as a problem or accepted storable and stable', () => {
    check(
      'text-policy',
      fc.property(
        anyText(),
        fc.constantFrom('firstName', 'lastName', 'displayName', 'email') as fc.Arbitrary<'email'>,
        (raw, field) => {
          for (const outcome of [parseText(field, raw), parseEmail(raw)]) {
            if ('problem' in outcome) continue;
            expect(storable(outcome.value)).toBe(true);
            expect(parseText(field, outcome.value)).toEqual(outcome);
          }
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mailings

describe('mailing content, buttons, windows and filters', () => {
  const contentInput = fc.record(
    {
      text: fc.oneof(htmlLike, anyText(), anyJson()),
      entities: fc.oneof(
        fc.constant(null),
        anyJson(),
        fc.array(
          fc.record({
            type: fc.constantFrom('bold', 'italic', 'x'),
            offset: fc.integer({ min: -2, max: 50 }),
            length: fc.integer({ min: -1, max: 50 }),
          }),
          { maxLength: 4 },
        ),
      ),
      media: fc.oneof(
        fc.constant(null),
        anyJson(),
        fc.record(
          {
            type: fc.constantFrom('photo', 'video', 'animation', 'document', 'sticker'),
            url: fc.oneof(fc.constantFrom('https://e.com/a.png', 'ftp://e.com', 'https://', 'http://a b'), anyText()),
            fileId: fc.oneof(fc.constantFrom('AgAD-x_1'), anyText()),
          },
          { requiredKeys: ['type'] },
        ),
      ),
      buttons: fc.oneof(
        fc.constant(null),
        anyJson(),
        fc.array(
          fc.array(
            fc.record({ text: fc.oneof(anyText(), anyJson()), url: fc.oneof(fc.constant('https://e.com'), anyText()) }),
            { maxLength: 4 },
          ),
          { maxLength: 6 },
        ),
      ),
    },
    { requiredKeys: [] },
  );

  it('validateContent refuses with a DomainError or builds a call the strict Bot API accepts', () => {
    check(
      'validateContent → Bot API',
      fc.property(contentInput, (input) => {
        const content = refusedOrValue(() => validateContent(input as never));
        if (content instanceof DomainError) {
          expect(content.code).toMatch(/_invalid$/);
          return;
        }
        for (const part of [content.text, ...(content.buttons ?? []).flat().map((b) => b.text + b.url)]) {
          expect(storable(part)).toBe(true);
        }
        const { method, payload } = mailingCall('1', content, 'Unsubscribe');
        if (method === 'sendMessage') checkText(payload.text, payload.parse_mode);
        else checkCaption(payload.caption, payload.parse_mode);
        checkReplyMarkup(payload.reply_markup);
      }),
      RUNS * 2,
      [
        [{ text: '<b> </b>' }],
        [{ text: '<b x>bold</b>' }],
        [{ text: 'hi', buttons: [[{ text: 'a\u0000', url: 'https://e.com' }]] }],
      ],
    );
  });

  it('button lines typed in the bot are parsed and checked without anything but a DomainError', () => {
    check(
      'parseButtonLines',
      fc.property(
        fc.oneof(
          anyText(),
          fc
            .array(fc.constantFrom('Site https://e.com', ' | ', '\n', '—', 'x', ' '), { maxLength: 20 })
            .map((a) => a.join('')),
        ),
        (raw) => {
          refusedOrValue(() => checkButtons(parseButtonLines(raw)));
        },
      ),
    );
  });

  it('a sending window is read as minutes of a day, or refused as a problem', () => {
    check(
      'parseWindowText / readWindow',
      fc.property(
        fc.oneof(
          anyText(),
          fc
            .tuple(
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
              fc.constantFrom('-', '–', ' - ', ':'),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
            )
            .map(([a, b, s, c, d]) => `${a}:${String(b).padStart(2, '0')}${s}${c}:${String(d).padStart(2, '0')}`),
        ),
        anyText(),
        (text, other) => {
          for (const outcome of [parseWindowText(text), readWindow({ from: text, to: other })]) {
            if ('problem' in outcome) continue;
            for (const m of [outcome.minutes.from, outcome.minutes.to]) expect(m >= 0 && m < 1440).toBe(true);
            expect(outcome.minutes.from).not.toBe(outcome.minutes.to);
          }
        },
      ),
    );
  });

  it('an audience filter is normalized or refused with a DomainError, and what it keeps is storable', () => {
    const list = fc.oneof(anyJson(), fc.array(fc.oneof(anyText(), anyJson()), { maxLength: 6 }));
    check(
      'normalizeFilter',
      fc.property(
        fc.oneof(anyJson(), fc.record({ tags: list, operatorCodes: list, languages: list }, { requiredKeys: [] })),
        (filter) => {
          const out = refusedOrValue(() => normalizeFilter(filter as never));
          if (out instanceof DomainError) return;
          for (const value of Object.values(out).flat()) expect(storable(String(value))).toBe(true);
        },
      ),
      RUNS,
      // A string where a list belongs threw a TypeError; a NUL tag broke the jsonb query.
      [[{ languages: 'en' }], [{ tags: ['x\u0000'] }]],
    );
  });
});

describe('configuration', () => {
  it('TRUSTED_PROXIES is parsed into entries or a problem, never a crash', () => {
    check(
      'parseTrustedProxies',
      fc.property(
        fc.oneof(
          anyText(),
          fc
            .array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('10.0.0.0/8', '::/0', '1.2.3.4/33', ',', ' ')), {
              maxLength: 5,
            })
            .map((a) => a.join(',')),
        ),
        (raw) => {
          const out = parseTrustedProxies(raw);
          expect('entries' in out || 'problem' in out).toBe(true);
        },
      ),
    );
  });
});
