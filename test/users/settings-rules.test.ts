import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../src/features/users/phone.js';
import { languageFromTelegram, parseDisplayName } from '../../src/features/users/users.js';
import { DomainError } from '../../src/platform/errors.js';
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

describe('parseDisplayName', () => {
  it('trims and collapses whitespace', () => {
    expect(parseDisplayName('  Ann   Lee \n')).toBe('Ann Lee');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(parseDisplayName('😀'.repeat(64))).toHaveLength(128);
    expect(() => parseDisplayName('😀'.repeat(65))).toThrow(DomainError);
  });

  it.each([
    ['', 'display_name_empty'],
    ['a\u0000b', 'display_name_invalid'],
    ['evil\u202Eesrever', 'display_name_invalid'],
    ['x'.repeat(65), 'display_name_too_long'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => parseDisplayName(input)).toThrow(expect.objectContaining({ code }));
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
