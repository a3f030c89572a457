import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, findLocalesDir } from '../../src/platform/i18n/translator.js';
import { ROOT } from '../helpers/program.js';

const localesDir = findLocalesDir();
const keysOf = (language: string) =>
  new Set(
    [...readFileSync(join(localesDir, `${language}.ftl`), 'utf8').matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((m) => m[1]),
  );

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
});
