import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import { escapeHtml } from '../telegram/html.js';
import type { Language } from './languages.js';

export type TranslationArgs = Record<string, string | number>;
export type Translate = (key: string, args?: TranslationArgs) => string;

export interface Translator {
  t(locale: Language, key: string, args?: TranslationArgs): string;
  /** A `t` bound to one language, as handlers and conversations use it. */
  forLocale(locale: Language): Translate;
  /** What is remembered now: finished texts, and the characters (keys and texts) of those with arguments, the bounded part. */
  remembered(): { texts: number; chars: number };
}

/** `locales/` sits at the project root; walk up so this works from src/ (tsx) and dist/src/ (compiled). */
export function findLocalesDir(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'locales');
    if (existsSync(join(candidate, 'en.ftl'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('locales/ directory with en.ftl not found');
    dir = parent;
  }
}

/**
 * Wraps @grammyjs/i18n so every string argument is HTML-escaped: all bot output uses
 * parse_mode HTML, and arguments are what users typed (names, task titles, messages).
 */
export function createTranslator(directory = findLocalesDir()): Translator {
  const i18n = new I18n({
    defaultLocale: 'en',
    directory,
    // Fluent wraps arguments in Unicode isolation marks by default; they would end up in
    // texts whose exact form is part of the contract (the echo message).
    fluentBundleOptions: { useIsolating: false },
  });
  const format = (locale: Language, key: string, args?: TranslationArgs) => {
    if (!args) return i18n.t(locale, key);
    const escaped: TranslationArgs = {};
    for (const [name, value] of Object.entries(args))
      escaped[name] = typeof value === 'string' ? escapeHtml(value) : value;
    return i18n.t(locale, key, escaped);
  };
  // A text depends only on its language, key and arguments (strings and numbers; Fluent has no
  // clock), so finished texts are remembered. Each i18n.t call negotiates the language anew and
  // formats the pattern, the largest share of a menu click's own work in the bot's CPU profile;
  // a screen asks for the same dozen labels on every click.
  const memo = new Map<string, string>();
  let chars = 0;
  // Texts without arguments (most labels) are as many as the keys: kept apart, unbounded, looked
  // up without building a memo key.
  const plain = new Map<Language, Map<string, string>>();
  const t = (locale: Language, key: string, args?: TranslationArgs) => {
    if (!args) {
      let texts = plain.get(locale);
      if (!texts) {
        texts = new Map();
        plain.set(locale, texts);
      }
      let text = texts.get(key);
      if (text === undefined) {
        text = format(locale, key);
        texts.set(key, text);
      }
      return text;
    }
    const id = `${locale}\u0000${key}\u0000${JSON.stringify(args)}`;
    let text = memo.get(id);
    if (text === undefined) {
      text = format(locale, key, args);
      // Arguments carry user input and the clock (names, titles, a settings screen's local time),
      // so most texts with arguments are never asked for again: the memo is bounded by its
      // characters, not its entries (5,000 settings screens were 12 MB, a slope in the soak's
      // heap), and forgets everything when full — the labels asked for on every click come back
      // at the next click.
      const size = id.length + text.length;
      if (chars + size > TEXT_MEMO_CHARS) {
        memo.clear();
        chars = 0;
      }
      if (size <= TEXT_MEMO_CHARS / 64) {
        memo.set(id, text);
        chars += size;
      }
    }
    return text;
  };
  const bound = new Map<Language, Translate>();
  const forLocale = (locale: Language): Translate => {
    let translate = bound.get(locale);
    if (!translate) {
      translate = (key, args) => t(locale, key, args);
      bound.set(locale, translate);
    }
    return translate;
  };
  const remembered = () => {
    let texts = memo.size;
    for (const byKey of plain.values()) texts += byKey.size;
    return { texts, chars };
  };
  return { t, forLocale, remembered };
}

/**
 * Characters (keys and texts) the memo of finished texts may hold: about 1 MB, hundreds of
 * screens; a text longer than 1/64 of it is not kept (a long task card or mailing preview).
 */
export const TEXT_MEMO_CHARS = 512 * 1024;
