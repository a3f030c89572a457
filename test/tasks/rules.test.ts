import { describe, expect, it } from 'vitest';
import { parseCommentText } from '../../src/features/tasks/comments.js';
import { checkDueAt, parseDescription, parseTags, parseTitle } from '../../src/features/tasks/tasks.js';
import { isRowId } from '../../src/platform/db/row-id.js';
import { DomainError } from '../../src/platform/errors.js';
import { domainErrorStatus } from '../../src/platform/http/errors.js';

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('parseTitle', () => {
  it('normalises: NFC, trimmed, runs of white space (also line breaks) become one space', () => {
    expect(parseTitle('  Buy \n\t milk  ')).toBe('Buy milk');
    expect(parseTitle('Cafe\u0301')).toBe('Café');
    expect(parseTitle('line\u2028separator')).toBe('line separator');
  });

  it('accepts 1 to 200 characters, counted as code points', () => {
    expect(parseTitle('x')).toBe('x');
    expect(parseTitle('x'.repeat(200))).toHaveLength(200);
    expect([...parseTitle('👍'.repeat(200))]).toHaveLength(200);
    expect(parseTitle('👨‍👩‍👧')).toBe('👨‍👩‍👧');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\n\t', 'empty'],
  ])('refuses %j as empty', (input, reason) => {
    const err = refusal(() => parseTitle(input));
    expect(err).toMatchObject({ code: 'title_invalid', details: { field: 'title', reason } });
    // The status is the API's (one code → status table), no longer carried by the DomainError.
    expect(domainErrorStatus(err.code).status).toBe(422);
  });

  it('refuses 201 characters, with the limit and the length', () => {
    const err = refusal(() => parseTitle('👍'.repeat(201)));
    expect(err.code).toBe('title_invalid');
    expect(err.details).toEqual({ field: 'title', reason: 'too_long', max: 200, length: 201 });
    expect(err.message).toContain('200');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['bell', 'a\u0007b'],
    ['escape', 'a\u001Bb'],
    ['DEL', 'a\u007Fb'],
    ['right-to-left override', 'a\u202Eb'],
    ['left-to-right isolate', 'a\u2066b'],
    ['lone high surrogate', 'a\uD83Db'],
    ['lone low surrogate', 'a\uDC4Db'],
  ])('refuses a %s', (_name, input) => {
    expect(refusal(() => parseTitle(input)).details).toMatchObject({ field: 'title', reason: 'control' });
  });
});

describe('parseDescription', () => {
  it('may be empty; keeps line breaks and tabs; trims the ends', () => {
    expect(parseDescription('')).toBe('');
    expect(parseDescription('  \n ')).toBe('');
    expect(parseDescription(' one\n\ttwo \n')).toBe('one\n\ttwo');
    expect(parseDescription('a\r\nb')).toBe('a\r\nb');
  });

  it('accepts 4000 characters and refuses 4001', () => {
    expect(parseDescription('я'.repeat(4000))).toHaveLength(4000);
    expect([...parseDescription('🎉'.repeat(4000))]).toHaveLength(4000);
    const err = refusal(() => parseDescription('🎉'.repeat(4001)));
    expect(err).toMatchObject({
      code: 'description_invalid',
      details: { reason: 'too_long', max: 4000, length: 4001 },
    });
  });

  it.each(['nul\u0000', 'form\u000Cfeed', 'bidi\u202D', 'half\uD800'])('refuses control characters in %j', (input) => {
    expect(refusal(() => parseDescription(input)).details).toMatchObject({ field: 'description', reason: 'control' });
  });
});

describe('parseTags', () => {
  it('lower-cases, drops a leading # and duplicates, keeps the order', () => {
    expect(parseTags(['#Work', 'home', 'WORK', '#home', 'x-1', 'a_b'])).toEqual(['work', 'home', 'x-1', 'a_b']);
  });

  it('splits typed text on spaces and commas (the bot’s input)', () => {
    expect(parseTags('#work, home  urgent,,')).toEqual(['work', 'home', 'urgent']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags('   ')).toEqual([]);
  });

  it('accepts letters and digits of any script', () => {
    expect(parseTags(['срочно', '日本', 'ünïcödé', '2026'])).toEqual(['срочно', '日本', 'ünïcödé', '2026']);
  });

  it('skips empty entries and a bare #', () => {
    expect(parseTags(['', '  ', '#', 'ok'])).toEqual(['ok']);
  });

  it('accepts 10 tags of 32 characters; duplicates do not count', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `${'t'.repeat(31)}${i}`);
    expect(parseTags(ten)).toEqual(ten);
    expect(parseTags([...ten, ...ten.map((t) => t.toUpperCase())])).toEqual(ten);
  });

  it('refuses an 11th tag', () => {
    const err = refusal(() => parseTags(Array.from({ length: 11 }, (_, i) => `t${i}`)));
    expect(err).toMatchObject({ code: 'tags_invalid', details: { field: 'tags', reason: 'too_many', max: 10 } });
  });

  it.each([
    ['33 characters', 't'.repeat(33)],
    ['a space inside', 'two words'],
    ['punctuation', 'a.b'],
    ['markup', '<b>'],
    ['an emoji', '🔥'],
    ['a control character', 'a\u0000'],
    ['a second #', '##tag'],
  ])('refuses a tag with %s', (_name, tag) => {
    const err = refusal(() => parseTags([tag]));
    expect(err).toMatchObject({ code: 'tags_invalid', details: { field: 'tags', reason: 'bad_tag' } });
    expect(err.message.length).toBeLessThan(200);
  });
});

describe('checkDueAt', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  it('accepts none or a time ahead', () => {
    expect(checkDueAt(null, now)).toBeNull();
    const ahead = new Date('2026-11-22T12:00:01Z');
    expect(checkDueAt(ahead, now)).toBe(ahead);
  });
  it('refuses now and the past', () => {
    for (const when of [now, new Date('2020-01-01T00:00:00Z')]) {
      expect(refusal(() => checkDueAt(when, now))).toMatchObject({
        code: 'dueAt_invalid',
        details: { field: 'dueAt', reason: 'past' },
      });
    }
  });
});

describe('parseCommentText', () => {
  it('trims, keeps line breaks, accepts 2000 characters (code points)', () => {
    expect(parseCommentText('  hi\nthere  ')).toBe('hi\nthere');
    expect([...parseCommentText('💬'.repeat(2000))]).toHaveLength(2000);
  });
  it.each([
    ['', 'empty'],
    ['  \n', 'empty'],
    ['x'.repeat(2001), 'too_long'],
    ['💬'.repeat(2001), 'too_long'],
    ['a\u0000', 'control'],
    ['a\u202E', 'control'],
    ['a\uDFFF', 'control'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(refusal(() => parseCommentText(input))).toMatchObject({
      code: 'text_invalid',
      details: { field: 'text', reason },
    });
  });
});

describe('isRowId', () => {
  it.each(['1', '42', '007', '9223372036854775807'])('%s can be a row id', (id) => {
    expect(isRowId(id)).toBe(true);
  });
  it.each([
    '',
    'abc',
    '-1',
    '1.5',
    '1e3',
    ' 1',
    '0x1f',
    '9223372036854775808',
    '9999999999999999999',
    '1'.repeat(20),
    '١٢',
  ])('%j cannot (answered 404 without a query)', (id) => {
    expect(isRowId(id)).toBe(false);
  });
});
