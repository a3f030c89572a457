import { append, h } from './dom.js';
import { t } from './i18n.js';
import { errorText } from './problems.js';

/** Pieces every page uses. */

/**
 * Text people typed (names, tags, mailing text) isolated from its surroundings: a name in Arabic
 * or Hebrew, or one carrying U+202E and friends (Telegram lets anyone put them in a first name),
 * cannot reorder the row or the sentence it stands in.
 */
export const isolate = (text) => h('bdi', null, String(text));

/** t(key, params) with each parameter's value isolated (see `isolate`): an array of text and <bdi> nodes. */
export function tIsolated(key, params) {
  const marks = Object.fromEntries(Object.keys(params).map((name) => [name, `\u0000${name}\u0000`]));
  return t(key, marks)
    .split('\u0000')
    .map((part, i) => (i % 2 === 1 ? isolate(params[part]) : part));
}

/** A failed call said in the console's language (problems.js). */
export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, errorText(err));
}

export function excerpt(text, max = 80) {
  const plain = String(text ?? '').replace(/\s+/g, ' ');
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/**
 * Previous / Next links for a cursor list: the cursors seen so far ride along in `trail`, so
 * Previous goes back without the API having to page backwards.
 */
export function pager(base, params, nextCursor) {
  const trail = (params.get('trail') ?? '').split('.').filter(Boolean);
  const cursor = params.get('cursor');
  const link = (cursorValue, trailValue, label, rel) => {
    const next = new URLSearchParams(params);
    if (cursorValue) next.set('cursor', cursorValue);
    else next.delete('cursor');
    if (trailValue.length) next.set('trail', trailValue.join('.'));
    else next.delete('trail');
    const search = next.toString();
    return h('a', { class: 'button', href: `${base}${search ? `?${search}` : ''}`, rel }, label);
  };
  const parts = [];
  if (cursor) {
    const previous = trail.slice(0, -1);
    parts.push(link(trail.at(-1) === '0' ? null : trail.at(-1), previous, t('common.prev'), 'prev'));
  }
  parts.push(h('span', { class: 'muted small' }, t('common.page', { n: trail.length + 1 })));
  if (nextCursor) parts.push(link(nextCursor, [...trail, cursor ?? '0'], t('common.next'), 'next'));
  return append(h('nav', { class: 'pager', 'aria-label': t('common.page', { n: '' }).trim() }), parts);
}
