import { DomainError } from '../../platform/errors.js';
import { isStorableText } from '../../platform/storable-text.js';
import type { MailingFilter } from './mailing.entities.js';

/**
 * Who a mailing reaches (SPEC §2.5): the filter's rules and the same filter as SQL over `users`.
 * Its own module because both the domain (validation, counts) and the owner of the deliveries
 * table (materialising recipients, deliveries.ts) need it, and the domain calls deliveries.ts.
 */

export const FILTER_VALUES_MAX = 50;

/** The same shape as the domain's other field errors (mailings.ts): `filter.<list>_invalid`. */
const invalid = (field: string, message: string, reason: string) =>
  new DomainError(`${field}_invalid`, message, { field, reason });

function cleanList(field: string, values: unknown, pattern: RegExp): string[] | undefined {
  if (values === undefined || values === null) return undefined;
  if (!Array.isArray(values)) throw invalid(`filter.${field}`, 'Expected a list of strings', 'type');
  const out = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') throw invalid(`filter.${field}`, 'Expected a list of strings', 'type');
    const v = value.trim();
    if (v === '') continue;
    if (!pattern.test(v) || !isStorableText(v))
      throw invalid(`filter.${field}`, `"${[...v].slice(0, 40).join('')}" is not a valid value`, 'format');
    out.add(v);
  }
  if (out.size > FILTER_VALUES_MAX) throw invalid(`filter.${field}`, `At most ${FILTER_VALUES_MAX} values`, 'too_many');
  return out.size ? [...out] : undefined;
}

/** Drops empty lists (an empty filter means everyone) and checks the values. */
export function normalizeFilter(filter: MailingFilter | null | undefined): MailingFilter {
  const out: MailingFilter = {};
  const tags = cleanList('tags', filter?.tags, /^.{1,32}$/u);
  const operatorCodes = cleanList('operatorCodes', filter?.operatorCodes, /^\d{1,8}$/);
  const languages = cleanList(
    'languages',
    // Not a list: left as it is for cleanList to refuse (a string has no `map`).
    Array.isArray(filter?.languages)
      ? filter.languages.map((l) => (typeof l === 'string' ? l.toLowerCase() : l))
      : filter?.languages,
    /^[a-z]{2}$/,
  );
  if (tags) out.tags = tags;
  if (operatorCodes) out.operatorCodes = operatorCodes;
  if (languages) out.languages = languages;
  return out;
}

/**
 * The audience as SQL over `users u`: started the bot (has a Telegram id), has not blocked it,
 * not banned, has not unsubscribed (🔕 or Settings); each non-empty list is "any of", the lists combined with AND.
 */
export function audienceSql(filter: MailingFilter): { where: string; params: unknown[] } {
  const parts = [`u.telegram_id is not null`, `u.bot_blocked = false`, `u.status = 'active'`, `u.mailings = true`];
  const params: unknown[] = [];
  if (filter.tags?.length) {
    parts.push(`u.tags && array(select jsonb_array_elements_text(?::jsonb))`);
    params.push(JSON.stringify(filter.tags));
  }
  if (filter.operatorCodes?.length) {
    parts.push(`u.operator_code = any(array(select jsonb_array_elements_text(?::jsonb)))`);
    params.push(JSON.stringify(filter.operatorCodes));
  }
  if (filter.languages?.length) {
    parts.push(`u.language = any(array(select jsonb_array_elements_text(?::jsonb)))`);
    params.push(JSON.stringify(filter.languages));
  }
  return { where: parts.join(' and '), params };
}
