import { characterCount } from '../../platform/telegram/entities.js';
import { USER_TEXT_MAX } from './user.entity.js';

/**
 * The one text policy for what users write about themselves (first and last name, display name,
 * e-mail), whichever way it arrives: the bot's Settings or PATCH /users/me. Both go through
 * `updateProfile` (profile.ts), and the bot's name dialog checks its answer here first, so a name
 * one door accepts the other accepts too. Outcomes are data (`{ value }` or `{ problem }`), so the
 * API can word them in English and the bot in the user's language.
 */

export type TextField = 'firstName' | 'lastName' | 'displayName' | 'email';

/** The longest accepted value per field, in characters: the column lengths (user.entity.ts). */
export const TEXT_MAX: Readonly<Record<TextField, number>> = {
  firstName: USER_TEXT_MAX.firstName,
  lastName: USER_TEXT_MAX.lastName,
  displayName: USER_TEXT_MAX.displayName,
  email: USER_TEXT_MAX.email,
};

export type TextProblem =
  | { code: 'empty' }
  | { code: 'invalid_characters' }
  | { code: 'too_long'; max: number; length: number }
  | { code: 'not_email' };

export type TextOutcome = { value: string } | { problem: TextProblem };

/**
 * Spaces, tabs and line breaks around a text are dropped, not refused: a name typed in Telegram
 * often ends with a newline. Inside the text the same characters are refused (below), because a
 * name that spans lines or hides a tab is not what the user sees in a list.
 */
const AROUND = /[\p{Zs}\t\n\r\v\f]/u;

/**
 * Characters that make a text unreadable or lie about what it says: control characters (NUL,
 * newlines, ANSI escapes), lone surrogates, line/paragraph separators, and format characters
 * such as the bidi overrides and isolates (U+202E shows the text after it backwards), zero-width
 * spaces and the BOM. Kept: ZWJ and ZWNJ (emoji sequences, Persian and Indic scripts) and tag
 * characters (the flags of Scotland or Wales).
 */
const UNSAFE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\uFFFE\uFFFF]|(?!\u200C|\u200D|[\u{E0020}-\u{E007F}])\p{Cf}/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
/** @ and its look-alikes (fullwidth, small), with the spaces that may come before them. */
const LEADING_AT = /^[\p{Zs}@\uFF20\uFE6B]+/u;

/**
 * A name as others are shown it (a PM's sender, a room line, a task's owner or assignee). Telegram's
 * names never pass parseText — Telegram allows bidi overrides and invisible characters — so what
 * UNSAFE refuses is dropped here; and so is a leading @ (or a look-alike): a name stands where a
 * handle would for people without one, and "@ann" there would pass for the real @ann. Empty when
 * nothing is left; the caller falls back as for no name.
 */
export function shownName(name: string): string {
  return name.replace(UNSAFE_ALL, '').replace(LEADING_AT, '').trim();
}

/** A text must show something: a letter, digit, symbol (emoji) or punctuation mark. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
const SPACES = /\p{Zs}+/gu;

/**
 * Trims by hand rather than with `^\s+|\s+$`: that pattern is quadratic on a long run of inner
 * spaces, and API bodies may be a megabyte. Every character of AROUND is one UTF-16 unit.
 */
function trimAround(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && AROUND.test(text.charAt(start))) start++;
  while (end > start && AROUND.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * A user's text for `field`: trimmed, refused if it hides control or formatting characters,
 * NFC-normalised (so "e" + combining diaeresis and "ë" are one name), inner runs of spaces made
 * one, refused if nothing visible is left or if it is longer than the column.
 */
export function parseText(field: TextField, input: string): TextOutcome {
  const trimmed = trimAround(input);
  if (UNSAFE.test(trimmed)) return { problem: { code: 'invalid_characters' } };
  const value = trimmed.normalize('NFC').replace(SPACES, ' ');
  if (!VISIBLE.test(value)) return { problem: { code: 'empty' } };
  // Counted in code points, as PostgreSQL's varchar(n) counts them (an emoji is one).
  const length = characterCount(value);
  const max = TEXT_MAX[field];
  if (length > max) return { problem: { code: 'too_long', max, length } };
  return { value };
}

/**
 * A deliberately plain check: one @, a local part without spaces or specials, and a domain
 * with a dot and a TLD of 2+ letters. Whether the address exists is not ours to know.
 */
const EMAIL = /^[^\s@"(),:;<>[\\\]\p{C}]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

/** An e-mail address: the text policy first, then the address shape. */
export function parseEmail(input: string): TextOutcome {
  const text = parseText('email', input);
  if ('problem' in text) return text;
  if (!EMAIL.test(text.value) || text.value.includes('..')) return { problem: { code: 'not_email' } };
  return text;
}

/** The English wording of a problem, for the API's validation_failed details. */
export function describeTextProblem(problem: TextProblem): string {
  switch (problem.code) {
    case 'empty':
      return 'Must not be empty';
    case 'invalid_characters':
      return 'Contains control or invisible formatting characters';
    case 'too_long':
      return `Must be at most ${problem.max} characters (got ${problem.length})`;
    case 'not_email':
      return 'Not a valid email address';
  }
}
