import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, findLocalesDir, TEXT_MEMO_CHARS } from '../../src/platform/i18n/translator.js';
import { ROOT } from '../helpers/program.js';

const localesDir = findLocalesDir();
const keysOf = (language: string) =>
  new Set(
    [...readFileSync(join(localesDir, `${language}.ftl`), 'utf8').matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((m) => m[1]),
  );

/** Every message of a locale file: its key and its whole value (continuation lines included). */
function messagesOf(language: string): Map<string, string> {
  const messages = new Map<string, string>();
  let current: string | undefined;
  for (const line of readFileSync(join(localesDir, `${language}.ftl`), 'utf8').split('\n')) {
    const start = /^([a-z][a-z0-9-]*) =(.*)$/.exec(line);
    if (start) {
      current = start[1] as string;
      messages.set(current, start[2] ?? '');
    } else if (current && /^\s+\S/.test(line)) {
      messages.set(current, `${messages.get(current)}\n${line}`);
    } else {
      current = undefined;
    }
  }
  return messages;
}

const variablesOf = (value: string) => [...new Set([...value.matchAll(/\$([A-Za-z][\w-]*)/g)].map((m) => m[1]))].sort();

/**
 * Variables that carry a number. A number that meets a noun ("{ $count } tasks") must go through a
 * plural selector ("{ $count -> [one] … *[other] … }"), or Russian reads "2 адресатов".
 */
const NUMBER_VARIABLES = new Set([
  'count',
  'n',
  'seconds',
  'minutes',
  'hours',
  'days',
  'length',
  'max',
  'limit',
  'total',
  'more',
  'sent',
  'pending',
  'unknown',
  'done',
  'todo',
  'inProgress',
  'unsubscribes',
  'processing',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('locales', () => {
  it('ru and en define the same keys', () => {
    expect([...keysOf('ru')].sort()).toEqual([...keysOf('en')].sort());
  });

  it('ru and en messages take the same variables', () => {
    const ru = messagesOf('ru');
    const en = messagesOf('en');
    const differ = [...en].flatMap(([key, value]) => {
      const other = ru.get(key);
      if (other === undefined) return [];
      const [a, b] = [variablesOf(value), variablesOf(other)];
      return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${key}: en ${a.join(',')} / ru ${b.join(',')}`];
    });
    expect(differ).toEqual([]);
  });

  it('a number that meets a noun goes through a plural selector, in both languages', () => {
    const offenders: string[] = [];
    for (const language of ['en', 'ru']) {
      for (const [key, value] of messagesOf(language)) {
        for (const line of value.split('\n')) {
          // Lines of a selector's variants ("[one] { $count } task") are the selector itself.
          if (/^\s*\*?\[/.test(line)) continue;
          for (const m of line.matchAll(/\{ \$([A-Za-z][\w-]*) \} ?(?=\p{L})/gu)) {
            const variable = m[1] as string;
            if (NUMBER_VARIABLES.has(variable)) offenders.push(`${language} ${key}: { $${variable} } …`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every key the code asks for exists in both languages', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z][a-z0-9-]*)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(20);
    const en = keysOf('en');
    expect([...used].filter((key) => !en.has(key))).toEqual([]);
  });

  it('escapes arguments and keeps exact texts (no Unicode isolation marks)', () => {
    const t = createTranslator();
    expect(t.t('en', 'echo', { firstName: 'A<b>', text: 'x & y' })).toBe(
      'A&lt;b&gt;, I got a message from you:\nx &amp; y',
    );
    expect(t.t('ru', 'echo', { firstName: 'Анна', text: 'привет' })).toBe('Анна, я получил от тебя сообщение:\nпривет');
  });

  it('remembers finished texts within a bounded number of characters, whatever the arguments', () => {
    const t = createTranslator();
    // Settings screens of many users, each with its own name and local time: texts never asked for again.
    for (let i = 0; i < 20_000; i++) {
      const text = t.t('en', 'echo', { firstName: `User ${i}`, text: `${'x'.repeat(200)} ${i}` });
      expect(text).toBe(`User ${i}, I got a message from you:\n${'x'.repeat(200)} ${i}`);
    }
    expect(t.remembered().chars).toBeLessThanOrEqual(TEXT_MEMO_CHARS);
    // A text too long to be worth keeping is still translated, and not kept.
    const before = t.remembered().texts;
    const long = 'y'.repeat(TEXT_MEMO_CHARS / 32);
    expect(t.t('ru', 'echo', { firstName: 'Анна', text: long })).toBe(`Анна, я получил от тебя сообщение:\n${long}`);
    expect(t.remembered().texts).toBe(before);
    // The labels asked for on every click are remembered (and answered the same).
    expect(t.t('en', 'on')).toBe(t.t('en', 'on'));
    expect(t.remembered().texts).toBe(before + 1);
  });
});
