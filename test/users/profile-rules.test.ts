import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, escapeLike, sniffImageType, toUserDto } from '../../src/features/users/profile.js';
import { parseEmail, parseText } from '../../src/features/users/text-policy.js';
import { User } from '../../src/features/users/user.entity.js';

describe('toUserDto', () => {
  const user = Object.assign(new User(), {
    id: '9007199254740993',
    username: 'ann',
    passwordHash: '$argon2id$secret',
    telegramId: 123,
    telegramFirstName: 'Tg Ann',
    telegramUsername: 'tg_ann',
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    operatorCode: null,
    language: 'ru',
    timezone: 'UTC',
    notifications: true,
    role: 'user',
    status: 'active',
    tags: ['vip'],
    botBlocked: true,
    createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
  } satisfies Partial<User>);

  it('has exactly the fields of SPEC §3.1, id as a string and createdAt in ISO UTC', () => {
    const dto = toUserDto(user);
    expect(dto).toEqual({
      id: '9007199254740993',
      username: 'ann',
      firstName: 'Tg Ann',
      lastName: null,
      email: null,
      phone: null,
      operatorCode: null,
      language: 'ru',
      timezone: 'UTC',
      notifications: true,
      role: 'user',
      status: 'active',
      telegramLinked: true,
      createdAt: '2026-01-02T03:04:05.006Z',
    });
    expect(JSON.stringify(dto)).not.toMatch(/argon2|vip|tg_ann|botBlocked/);
  });

  it('prefers the account first name, and null when there is none at all', () => {
    expect(toUserDto(Object.assign(new User(), user, { firstName: 'Acc' })).firstName).toBe('Acc');
    const bare = Object.assign(new User(), user, { telegramId: null, telegramFirstName: null });
    expect(toUserDto(bare)).toMatchObject({ firstName: null, telegramLinked: false });
  });
});

// First and last names go through the one text policy (text-policy.ts) with their columns' limit, 128.
describe('parseText: names', () => {
  const parseName = (input: string) => parseText('firstName', input);

  it('normalizes to NFC, trims and collapses spaces', () => {
    expect(parseName('  Zoe\u0308   Ann ')).toEqual({ value: 'Zoë Ann' });
    expect(parseName('Ann\u00A0\u00A0Lee')).toEqual({ value: 'Ann Lee' });
  });

  it('counts code points, like PostgreSQL varchar', () => {
    expect(parseName('😀'.repeat(128))).toEqual({ value: '😀'.repeat(128) });
    expect(parseName('😀'.repeat(129))).toHaveProperty('problem');
  });

  it.each([
    '',
    ' ',
    '\u0000',
    'a\u0007b',
    'a\u007Fb',
    'a\u0085b',
    'a\u202Eb',
    'a\u061Cb',
    'a\u200Eb',
    'a\u200Bb',
    'a\u2060b',
    'a\uFFFEb',
    'a\u2029b',
    '\u0301\u0301',
  ])('refuses %j', (name) => {
    expect(parseName(name)).toHaveProperty('problem');
  });
});

describe('parseEmail', () => {
  it.each(['ann@example.com', 'ann.lee+tag@mail.example.co.uk', 'анна@пример.рф', 'a_b-c@x-y.io'])(
    'accepts %s',
    (email) => {
      expect(parseEmail(` ${email} `)).toEqual({ value: email });
    },
  );

  it.each(['ann', 'ann@', '@x.io', 'a@x', 'a@x.i', 'a b@x.io', 'a@x..io', 'a..b@x.io', 'a@-x.io', 'a<b>@x.io'])(
    'refuses %s',
    (email) => {
      expect(parseEmail(email)).toHaveProperty('problem');
    },
  );

  it('refuses more than 254 characters', () => {
    const label = 'b'.repeat(63);
    const long = `${'a'.repeat(64)}@${label}.${label}.${label}.io`;
    expect(long.length).toBe(259);
    expect(parseEmail(long)).toHaveProperty('problem');
    const fits = `${'a'.repeat(64)}@${label}.${label}.${'b'.repeat(58)}.io`;
    expect(fits.length).toBe(254);
    expect(parseEmail(fits)).toEqual({ value: fits });
  });
});

describe('sniffImageType', () => {
  const bytes = (...values: Array<number | string>) =>
    new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...Buffer.from(v, 'latin1')] : [v])));

  it('knows PNG, JPEG and WebP by their magic bytes only', () => {
    expect(sniffImageType(bytes(0x89, 'PNG\r\n\x1a\n'))).toBe('image/png');
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xdb))).toBe('image/jpeg');
    expect(sniffImageType(bytes('RIFF', 1, 2, 3, 4, 'WEBP'))).toBe('image/webp');
  });

  it.each([
    ['empty', bytes()],
    ['short PNG', bytes(0x89, 'PNG')],
    ['PNG with a wrong byte', bytes(0x89, 'PNG\r\n\x1a\x0b')],
    ['JPEG prefix only', bytes(0xff, 0xd8)],
    ['RIFF without WEBP', bytes('RIFF', 1, 2, 3, 4, 'AVI ')],
    ['WEBP without RIFF', bytes('RIFX', 1, 2, 3, 4, 'WEBP')],
    ['GIF', bytes('GIF89a')],
    ['SVG', bytes('<svg')],
  ])('refuses %s', (_name, input) => {
    expect(sniffImageType(input)).toBeNull();
  });
});

describe('search helpers', () => {
  it('cursors round-trip and refuse anything this list did not produce', () => {
    expect(decodeCursor(encodeCursor('ann_lee'))).toBe('ann_lee');
    for (const bad of [
      '',
      '!!!',
      encodeCursor('Ann'),
      encodeCursor('a b'),
      encodeCursor('x'.repeat(33)),
      'A'.repeat(65),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('a_b%c\\d')).toBe('a\\_b\\%c\\\\d');
    expect(escapeLike('plain')).toBe('plain');
  });
});
