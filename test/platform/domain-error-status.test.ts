import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/platform/errors.js';
import {
  DOMAIN_ERROR_STATUS,
  domainErrorStatus,
  mapError,
  UNKNOWN_DOMAIN_ERROR_STATUS,
} from '../../src/platform/http/errors.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Thrown {
  where: string;
  /** The first argument as written: a quoted literal, a template or an expression. */
  code: string;
}

/**
 * Every DomainError the sources construct: `new DomainError(<code>, …)`, and `super(<code>, …)`
 * in files that declare a subclass of it.
 */
function thrownCodes(): Thrown[] {
  const found: Thrown[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const patterns = [/new DomainError\(\s*([^,)]+)/g];
    if (/extends DomainError\b/.test(text)) patterns.push(/\bsuper\(\s*([^,)]+)/g);
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const line = text.slice(0, match.index).split('\n').length;
        found.push({ where: `${relative(SRC, file)}:${line}`, code: (match[1] ?? '').trim() });
      }
    }
  }
  return found;
}

describe('DomainError code → HTTP status (one table)', () => {
  const thrown = thrownCodes();

  it('finds the codes the features throw', () => {
    // A guard for the scan itself: if it found nothing, the checks below would pass vacuously.
    expect(thrown.length).toBeGreaterThan(30);
  });

  it('maps every literal code thrown in src/ (listed, or a `<field>_invalid` field refusal)', () => {
    const literal = thrown.filter((t) => /^'[^']*'$/.test(t.code));
    const missing = literal
      .filter((t) => !domainErrorStatus(t.code.slice(1, -1)).known)
      .map((t) => `${t.code} (${t.where})`);
    expect(missing).toEqual([]);
  });

  it('allows a computed code only as a `<field>_invalid` field refusal (422)', () => {
    const computed = thrown.filter((t) => !/^'[^']*'$/.test(t.code));
    const unlisted = computed
      .filter((t) => !/^`\$\{[^}]+\}_invalid`$/.test(t.code))
      .map((t) => `${t.code} (${t.where})`);
    expect(unlisted).toEqual([]);
    expect(domainErrorStatus('title_invalid')).toEqual({ status: 422, known: true });
    expect(domainErrorStatus('filter.tags_invalid')).toEqual({ status: 422, known: true });
  });

  it('has no entry no code uses any more', () => {
    const used = new Set(thrown.map((t) => t.code.slice(1, -1)));
    expect(Object.keys(DOMAIN_ERROR_STATUS).filter((code) => !used.has(code))).toEqual([]);
  });

  it('keeps the statuses the API has always answered', () => {
    expect(DOMAIN_ERROR_STATUS).toMatchObject({
      not_found: 404,
      user_not_found: 404,
      username_taken: 409,
      telegram_taken: 409,
      invalid_credentials: 401,
      pending_confirmation: 403,
      user_banned: 403,
      payload_too_large: 413,
      text_too_long: 422,
      rate_limited: 429,
      too_many_attempts: 429,
    });
    for (const [code, status] of Object.entries(DOMAIN_ERROR_STATUS)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
      expect(status >= 400 && status < 500, code).toBe(true);
    }
  });

  it('answers an unknown code as a client error, never a 500', () => {
    expect(domainErrorStatus('no_such_code')).toEqual({ status: UNKNOWN_DOMAIN_ERROR_STATUS, known: false });
    expect(mapError(new DomainError('no_such_code', 'Readable by the user'))).toEqual({
      status: UNKNOWN_DOMAIN_ERROR_STATUS,
      body: { error: { code: 'no_such_code', message: 'Readable by the user' } },
    });
  });

  it('turns the seconds of a 429 into Retry-After (login and chat limits)', () => {
    expect(mapError(new DomainError('too_many_attempts', 'Wait', { retryAfterSeconds: 30 })).headers).toEqual({
      'Retry-After': '30',
    });
    expect(mapError(new DomainError('rate_limited', 'Wait', { retryAfter: 12 })).headers).toEqual({
      'Retry-After': '12',
    });
    expect(mapError(new DomainError('not_found', 'No')).headers).toBeUndefined();
  });
});
