import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../src/features/users/phone.js';
import { parseText } from '../../src/features/users/text-policy.js';
import { languageFromTelegram } from '../../src/features/users/users.js';
import { escapeHtml, splitText } from '../../src/platform/telegram/html.js';
import { normalizeTimezone } from '../../src/platform/time/timezone.js';

describe('parsePhone', () => {
  it.each([
    ['+7 916 123-45-67', '+79161234567', '916'],
    ['79161234567', '+79161234567', '916'],
    ['8 (916) 123-45-67', '+79161234567', '916'],
    ['+380671234567', '+380671234567', '67'],
    ['+12125550123', '+12125550123', '212'],
    ['+4915112345678', '+4915112345678', null],
  ])('%s → %s, operator %s', (raw, phone, code) => {
    expect(parsePhone(raw)).toEqual({ phone, operatorCode: code });
  });

  it.each(['', 'abc', '+7', '12345', '+7 916 123 45 67 89 00 11', '79161234567; drop table'])('refuses %j', (raw) => {
    expect(parsePhone(raw)).toBeNull();
  });
});

describe('normalizeTimezone', () => {
  it.each([
    ['Europe/Moscow', 'Europe/Moscow'],
    ['europe/moscow', 'Europe/Moscow'],
    [' America/New York ', 'America/New_York'],
    ['utc', 'UTC'],
    ['+3', 'Etc/GMT-3'],
    ['UTC-5', 'Etc/GMT+5'],
    ['GMT+0', 'UTC'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeTimezone(input)).toBe(expected);
  });

  it.each(['Mars/Olympus', '', '+15', '../../etc/passwd', 'x'.repeat(100), '🙂'])('refuses %j', (input) => {
    expect(normalizeTimezone(input)).toBeNull();
  });
});

describe('languageFromTelegram', () => {
  it.each([
    ['ru', 'ru'],
    ['uk', 'ru'],
    ['be', 'ru'],
    ['kk', 'ru'],
    ['ru-RU', 'ru'],
    ['en', 'en'],
    ['de', 'en'],
    [undefined, 'en'],
  ])('%s → %s', (code, language) => {
    expect(languageFromTelegram(code)).toBe(language);
  });
});

// The display name goes through the one text policy (text-policy.ts) with its column's limit, 64.
describe('parseText: display name', () => {
  it('trims and collapses whitespace', () => {
    expect(parseText('displayName', '  Ann   Lee \n')).toEqual({ value: 'Ann Lee' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(parseText('displayName', '😀'.repeat(64))).toEqual({ value: '😀'.repeat(64) });
    expect(parseText('displayName', '😀'.repeat(65))).toHaveProperty('problem');
  });

  it.each([
    ['', 'empty'],
    ['a\u0000b', 'invalid_characters'],
    ['evil\u202Eesrever', 'invalid_characters'],
    ['x'.repeat(65), 'too_long'],
  ])('refuses %j with %s', (input, code) => {
    expect(parseText('displayName', input)).toMatchObject({ problem: { code } });
  });
});

describe('HTML helpers', () => {
  it('escapes the characters Telegram HTML treats specially', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt;');
  });

  it('splits long texts at line breaks into parts of at most 4096 characters', () => {
    const line = `${'x'.repeat(99)}\n`;
    const parts = splitText(line.repeat(100));
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n')).toBe(line.repeat(100));
  });

  it('never cuts a surrogate pair or an entity', () => {
    const parts = splitText(`${'a'.repeat(4095)}😀tail`);
    expect(parts[0]).toBe('a'.repeat(4095));
    expect(parts[1]).toBe('😀tail');
    const entity = splitText(`${'a'.repeat(4093)}&amp;b`);
    expect(entity[0]).toBe('a'.repeat(4093));
    expect(entity[1]).toBe('&amp;b');
  });

  it('keeps a short text whole', () => {
    expect(splitText('hi')).toEqual(['hi']);
  });
});

describe('one text policy for the bot and the API', () => {
  it.each(['Ann\nLee', 'Ann\tLee', 'A\u200Bnn', 'Ann\uFEFF', '\u200D\u200D', 'Ann\u2066Lee\u2069'])(
    'refuses %j as a display name exactly as it refuses it as a first name',
    (input) => {
      expect(parseText('displayName', input)).toHaveProperty('problem');
      expect(parseText('firstName', input)).toEqual(parseText('displayName', input));
    },
  );

  it('differs between fields only in the length, which is the column’s', () => {
    expect(parseText('firstName', 'x'.repeat(65))).toEqual({ value: 'x'.repeat(65) });
    expect(parseText('displayName', 'x'.repeat(65))).toEqual({
      problem: { code: 'too_long', max: 64, length: 65 },
    });
  });
});
