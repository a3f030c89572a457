import * as api from './api.js';
import { formatTime, h, replace } from './dom.js';
import { locale, t, tCount, tStatus } from './i18n.js';
import { audienceText } from './mailings.js';
import { decodeEntities } from './telegram-html.js';
import { excerpt, isolate, pager, tIsolated } from './ui.js';

/**
 * The audit log (GET /admin/audit) in words: what was done ("Tags changed"), to whom or what
 * ("user @alice", "mailing #7 «Spring sale»", each a link) and how (role user → admin, tags added
 * and removed), not the ids and JSON the API records.
 */

export async function auditPage(ctx) {
  document.title = `${t('audit.title')} · ${t('app.title')}`;
  const cursor = ctx.params.get('cursor') ?? undefined;
  const data = await api.get(`/admin/audit${api.query({ limit: 50, cursor })}`);
  const targets = await targetsOf(data.items);
  const deleted = deletedMailingTexts(data.items);
  if (!ctx.alive()) return;
  const table = h(
    'table',
    { 'data-testid': 'audit-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['time', 'actor', 'action', 'target', 'details'].map((c) => h('th', { scope: 'col' }, t(`audit.col.${c}`))),
      ),
    ),
    h(
      'tbody',
      null,
      data.items.map((e) =>
        h(
          'tr',
          { 'data-action': e.action },
          h('td', { class: 'nowrap' }, formatTime(e.createdAt, locale())),
          h('td', null, actorCell(e.actor)),
          h('td', null, actionText(e.action)),
          h('td', { class: 'target', 'data-testid': 'audit-target' }, targetCell(e, targets, deleted)),
          h('td', { class: 'details', 'data-testid': 'audit-details' }, detailsText(e)),
        ),
      ),
    ),
  );
  replace(
    ctx.main,
    h('h1', null, t('audit.title')),
    data.items.length === 0 ? h('p', { class: 'muted' }, t('audit.none')) : h('div', { class: 'table-wrap' }, table),
    pager('#/audit', ctx.params, data.nextCursor),
  );
}

/** "@alice", else the first name, else "#12": how a person (an actor, or a user read from the API) is named in the log. */
function personName(person) {
  const handle = person.username ?? person.telegramUsername;
  return handle ? `@${handle}` : person.firstName || person.telegramFirstName || person.displayName || `#${person.id}`;
}

function actorCell(actor) {
  if (!actor) return t('audit.system');
  return h('a', { href: `#/users/${actor.id}` }, isolate(personName(actor)));
}

/** "Tags changed" for `user.tags`; an action this console does not know yet stays its code. */
function actionText(action) {
  const key = `audit.action.${action}`;
  const text = t(key);
  return text === key ? h('code', null, action) : text;
}

/**
 * The users and mailings the page's entries are about, read once each (the log stores their ids):
 * id → the object, or null when it is gone (a user merged into another, a mailing deleted).
 */
async function targetsOf(items) {
  const wanted = new Map();
  for (const e of items) {
    const path = e.target.type === 'user' ? '/admin/users/' : e.target.type === 'mailing' ? '/mailings/' : null;
    if (path) wanted.set(`${e.target.type}:${e.target.id}`, `${path}${encodeURIComponent(e.target.id)}`);
  }
  const found = await Promise.all(
    [...wanted].map(async ([key, path]) => {
      try {
        return [key, await api.get(path)];
      } catch (err) {
        if (err instanceof api.ApiError && err.status === 404) return [key, null];
        return [key, undefined];
      }
    }),
  );
  return new Map(found);
}

/**
 * The start of each deleted mailing's text, which its mailing.delete entry keeps (the mailing
 * itself is gone): the title of that mailing's other entries on the page too.
 */
const deletedMailingTexts = (items) =>
  new Map(
    items.filter((e) => e.action === 'mailing.delete' && e.details?.text).map((e) => [e.target.id, e.details.text]),
  );

/** The visible words of a mailing's HTML, shortened: its title in the log. */
const mailingTitle = (html) => excerpt(decodeEntities(String(html ?? '').replace(/<[^>]*>/g, '')), 40);

function targetCell(entry, targets, deleted) {
  const { type, id } = entry.target;
  const target = targets.get(`${type}:${id}`);
  if (type === 'user') {
    if (target === null) return tIsolated('audit.target.userGone', { id });
    const name = target ? personName(target) : `#${id}`;
    return h('a', { href: `#/users/${id}` }, tIsolated('audit.target.user', { name }));
  }
  if (type === 'mailing') {
    const text = target?.text ?? deleted.get(id);
    const title = text ? mailingTitle(text) : null;
    if (target === null)
      return title ? tIsolated('audit.target.mailingGone', { id, title }) : t('audit.target.mailingGoneNoText', { id });
    return h(
      'a',
      { href: `#/mailings/${id}` },
      title ? tIsolated('audit.target.mailing', { id, title }) : t('audit.target.mailingNoText', { id }),
    );
  }
  return `${type} #${id}`;
}

/** A value before or after a change; "none" for an empty one. */
const valueText = (value) => (value === null || value === undefined || value === '' ? t('audit.empty') : String(value));

/** "before → after", each isolated (a time zone or phone is typed text). */
const change = (before, after) => tIsolated('audit.change', { before: valueText(before), after: valueText(after) });

const tagList = (tags) => tags.map((tag) => `#${tag}`).join(', ');

/** Tags added and removed, each said once: "Tags added: #vip, #beta; Tag removed: #old". */
function tagChanges({ before = [], after = [] }) {
  const added = after.filter((tag) => !before.includes(tag));
  const removed = before.filter((tag) => !after.includes(tag));
  const parts = [];
  if (added.length)
    parts.push(tIsolated(added.length === 1 ? 'audit.tagAdded' : 'audit.tagsAdded', { tags: tagList(added) }));
  if (removed.length)
    parts.push(tIsolated(removed.length === 1 ? 'audit.tagRemoved' : 'audit.tagsRemoved', { tags: tagList(removed) }));
  return parts.length ? joined(parts) : tIsolated('audit.tagsNow', { tags: tagList(after) });
}

/** Parts of a details cell, "; " between them. */
const joined = (parts) => parts.flatMap((part, i) => (i === 0 ? [part] : ['; ', part]));

const DETAILS = {
  'user.tags': tagChanges,
  'user.role': (d) => change(tStatus('role', d.before), tStatus('role', d.after)),
  'user.phone': (d) => change(d.before, d.after),
  'user.operator_code': (d) => change(d.before, d.after),
  'user.timezone': (d) => change(d.before, d.after),
  'account.link': (d) =>
    joined(
      [
        t('audit.linked', { telegramId: d.telegramId ?? '—' }),
        d.mergedUserId ? t('audit.merged', { id: d.mergedUserId }) : null,
      ].filter(Boolean),
    ),
  'mailing.create': (d) =>
    joined([
      isolate(audienceText(d.filter)),
      t('audit.period', { start: formatTime(d.startAt, locale()), end: formatTime(d.endAt, locale()) }),
    ]),
  'mailing.update': (d) =>
    t('audit.changed', {
      fields: (d.changed ?? []).map((field) => t(`mail.field.${field}`)).join(', ') || t('audit.empty'),
    }),
  // The text is shown as the target's title.
  'mailing.delete': () => '',
  'mailing.recall': (d) =>
    joined(
      [tCount('audit.recallSent', Number(d.sent ?? 0)), d.cancelled ? t('audit.recallCancelled') : null].filter(
        Boolean,
      ),
    ),
};

/** An entry's details in words; details of an action this console does not know yet as "key: value" pairs. */
function detailsText(entry) {
  const details = entry.details ?? {};
  const known = DETAILS[entry.action];
  if (known) return known(details);
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : value}`)
    .join('; ');
}
