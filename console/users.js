import * as api from './api.js';
import { confirmDialog, formatTime, h, replace } from './dom.js';
import { locale, t, tStatus } from './i18n.js';
import { errorText, fieldProblems } from './problems.js';
import { errorBox, isolate, pager, tIsolated } from './ui.js';

/** Users: the list with search and filters (GET /admin/users), and a user's card (PATCH /admin/users/{id}). */

const LANGUAGES = ['en', 'ru'];
const FILTERS = ['search', 'tag', 'operatorCode', 'language'];

const nameOf = (u) =>
  [u.firstName ?? u.telegramFirstName, u.lastName ?? u.telegramLastName].filter(Boolean).join(' ') ||
  u.displayName ||
  '—';
const handleOf = (u) => (u.username ? `@${u.username}` : u.telegramUsername ? `@${u.telegramUsername}` : '—');

export async function usersPage(ctx) {
  document.title = `${t('users.title')} · ${t('app.title')}`;
  const field = (name, label, input) =>
    h('div', { class: 'field' }, h('label', { for: `filter-${name}` }, label), input);
  const inputs = {
    search: h('input', {
      id: 'filter-search',
      name: 'search',
      type: 'search',
      placeholder: t('users.searchHint'),
      value: ctx.params.get('search') ?? '',
      maxlength: 64,
    }),
    tag: h('input', { id: 'filter-tag', name: 'tag', value: ctx.params.get('tag') ?? '', maxlength: 32 }),
    operatorCode: h('input', {
      id: 'filter-operatorCode',
      name: 'operatorCode',
      inputmode: 'numeric',
      pattern: '\\d{1,8}',
      value: ctx.params.get('operatorCode') ?? '',
      maxlength: 8,
    }),
    language: h(
      'select',
      { id: 'filter-language', name: 'language' },
      h('option', { value: '' }, t('common.any')),
      LANGUAGES.map((l) => h('option', { value: l, selected: ctx.params.get('language') === l }, l)),
    ),
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'data-testid': 'user-filters' },
    field('search', t('users.search'), inputs.search),
    field('tag', t('users.tag'), inputs.tag),
    field('operatorCode', t('users.operatorCode'), inputs.operatorCode),
    field('language', t('users.language'), inputs.language),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit', class: 'primary' }, t('users.filter')),
      h('a', { class: 'button', href: '#/users' }, t('common.reset')),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = inputs[name].value.trim().replace(/^#/, '');
      if (value) next.set(name, value);
    }
    const search = next.toString();
    ctx.go(`#/users${search ? `?${search}` : ''}`);
  });
  const results = h('div', { 'aria-live': 'polite' });
  replace(ctx.main, h('h1', null, t('users.title')), form, results);

  const filter = Object.fromEntries(FILTERS.map((name) => [name, ctx.params.get(name) ?? undefined]));
  try {
    const data = await api.get(
      `/admin/users${api.query({ ...filter, limit: 25, cursor: ctx.params.get('cursor') ?? undefined })}`,
    );
    if (!ctx.alive()) return;
    replace(
      results,
      data.items.length === 0
        ? h('p', { class: 'muted' }, t('users.none'))
        : h('div', { class: 'table-wrap' }, usersTable(data.items)),
      pager('#/users', ctx.params, data.nextCursor),
    );
  } catch (err) {
    replace(results, errorBox(err));
  }
}

function usersTable(items) {
  const cols = ['id', 'name', 'username', 'tags', 'phone', 'operator', 'language', 'timezone', 'role', 'status'];
  return h(
    'table',
    { 'data-testid': 'users-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((c) => h('th', { scope: 'col' }, t(`users.col.${c}`))),
      ),
    ),
    h(
      'tbody',
      null,
      items.map((u) =>
        h(
          'tr',
          { 'data-user-id': u.id },
          h('td', null, h('a', { href: `#/users/${u.id}` }, u.id)),
          h('td', { class: 'name' }, h('a', { href: `#/users/${u.id}` }, isolate(nameOf(u)))),
          h('td', null, isolate(handleOf(u))),
          h(
            'td',
            null,
            u.tags.map((tag) => h('span', { class: 'tag' }, isolate(`#${tag}`))),
          ),
          h('td', { class: 'nowrap' }, u.phone ?? '—'),
          h('td', null, u.operatorCode ?? '—'),
          h('td', null, u.language),
          h('td', null, u.timezone),
          h('td', null, tStatus('role', u.role)),
          h('td', null, h('span', { class: `badge ${u.status}` }, tStatus('ustatus', u.status))),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// A user's card.

let zoneList;
function timeZones() {
  zoneList ??= h(
    'datalist',
    { id: 'time-zones' },
    (Intl.supportedValuesOf?.('timeZone') ?? []).map((z) => h('option', { value: z })),
  );
  return zoneList;
}

/** The problems of a 422 validation_failed, by field (`tags.3` is the tags field's), in the console's words. */
function problemsOf(err) {
  return Object.fromEntries(fieldProblems(err).map((problem) => [problem.path.split('.')[0], problem.text]));
}

export async function userCard(ctx) {
  const user = await api.get(`/admin/users/${encodeURIComponent(ctx.id)}`);
  if (!ctx.alive()) return;
  render(ctx, user);
}

function render(ctx, user) {
  document.title = `${nameOf(user)} · ${t('app.title')}`;
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'card-status' });
  const problemBoxes = {};
  const save = async (patch, problemBox) => {
    status.textContent = '';
    for (const box of Object.values(problemBoxes)) box.textContent = '';
    // The card is drawn anew after a change: the keyboard's focus goes back to the same control.
    const focused = document.activeElement?.id;
    try {
      const changed = await api.request('PATCH', `/admin/users/${user.id}`, { body: patch });
      if (!ctx.alive()) return;
      render(ctx, changed);
      if (focused) document.getElementById(focused)?.focus();
      const fresh = ctx.main.querySelector('[data-testid="card-status"]');
      if (fresh) fresh.textContent = t('common.saved');
    } catch (err) {
      const problems = problemsOf(err);
      const shown = Object.entries(problems).filter(([path]) => problemBoxes[path]);
      for (const [path, message] of shown) problemBoxes[path].textContent = message;
      if (shown.length === 0) {
        const box = problemBox ?? status;
        box.textContent = errorText(err);
      }
    }
  };
  const editable = (name, label, hint, value, toPatch, extra = {}) => {
    const id = `user-${name}`;
    const input = h('input', {
      id,
      name,
      value: value ?? '',
      'aria-describedby': `${id}-hint ${id}-problem`,
      ...extra,
    });
    const problem = h('span', { class: 'error', id: `${id}-problem`, role: 'alert' });
    problemBoxes[name] = problem;
    const form = h(
      'form',
      { class: 'edit', 'data-testid': `edit-${name}` },
      h('label', { for: id, class: 'edit-label' }, label),
      h('div', { class: 'row' }, input, h('button', { type: 'submit' }, t('common.save'))),
      h('span', { class: 'muted small', id: `${id}-hint` }, hint),
      problem,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save(toPatch(input.value.trim()), problem);
    });
    return form;
  };
  const name = nameOf(user) === '—' ? handleOf(user) : nameOf(user);
  const confirmThen = async (message, patch) => {
    if (await confirmDialog(message, t('common.confirm'), t('common.cancel'))) await save(patch);
  };
  const self = ctx.me?.id === user.id;
  const removeAdmin = h(
    'button',
    {
      type: 'button',
      id: 'user-role',
      disabled: self,
      onClick: () => confirmThen(tIsolated('user.confirmRemoveAdmin', { name }), { role: 'user' }),
    },
    t('user.removeAdmin'),
  );
  const makeAdmin = h(
    'button',
    {
      type: 'button',
      id: 'user-role',
      onClick: () => confirmThen(tIsolated('user.confirmMakeAdmin', { name }), { role: 'admin' }),
    },
    t('user.makeAdmin'),
  );
  // Someone banned is not made an admin (the API refuses it: target_banned), so the button is not
  // offered, and the card says why; a banned admin can still be demoted.
  const unbanFirst = h('span', { class: 'muted small', 'data-testid': 'unban-first' }, t('error.targetBanned'));
  const roleButton = user.role === 'admin' ? removeAdmin : user.status === 'banned' ? unbanFirst : makeAdmin;
  const banButton =
    user.status === 'banned'
      ? h(
          'button',
          {
            type: 'button',
            id: 'user-ban',
            onClick: () => confirmThen(tIsolated('user.confirmUnban', { name }), { banned: false }),
          },
          t('user.unban'),
        )
      : h(
          'button',
          {
            type: 'button',
            class: 'danger',
            id: 'user-ban',
            disabled: self,
            onClick: () => confirmThen(tIsolated('user.confirmBan', { name }), { banned: true }),
          },
          t('user.ban'),
        );
  const facts = [
    ['users.col.id', user.id],
    ['users.col.username', user.username ? `@${user.username}` : '—'],
    [
      'user.telegram',
      user.telegramId ? `${user.telegramId}${user.telegramUsername ? ` @${user.telegramUsername}` : ''}` : '—',
    ],
    ['user.email', user.email ?? '—'],
    ['users.col.language', user.language],
    ['users.col.role', tStatus('role', user.role)],
    ['users.col.status', tStatus('ustatus', user.status)],
    ['user.botBlocked', user.botBlocked ? t('common.yes') : t('common.no')],
    ['user.lastSeen', formatTime(user.lastSeenAt, locale())],
    ['user.created', formatTime(user.createdAt, locale())],
  ];
  replace(
    ctx.main,
    h('p', null, h('a', { href: '#/users' }, t('user.back'))),
    h('h1', { 'data-testid': 'user-name' }, isolate(name)),
    h(
      'dl',
      { class: 'facts', 'data-testid': 'user-facts' },
      facts.map(([key, value]) => [h('dt', null, t(key)), h('dd', { 'data-field': key }, isolate(value))]),
    ),
    status,
    h(
      'div',
      { class: 'edits' },
      editable('tags', t('user.tags'), t('user.tagsHint'), user.tags.join(', '), (v) => ({
        tags: v
          .split(/[\s,]+/)
          .map((s) => s.replace(/^#/, ''))
          .filter(Boolean),
      })),
      editable('phone', t('user.phone'), t('user.phoneHint'), user.phone, (v) => ({ phone: v === '' ? null : v }), {
        type: 'tel',
        autocomplete: 'off',
        maxlength: 32,
      }),
      editable(
        'operatorCode',
        t('user.operatorCode'),
        t('user.operatorHint'),
        user.operatorCode,
        (v) => ({ operatorCode: v === '' ? null : v }),
        { inputmode: 'numeric', maxlength: 8 },
      ),
      editable('timezone', t('user.timezone'), t('user.timezoneHint'), user.timezone, (v) => ({ timezone: v }), {
        list: 'time-zones',
        autocomplete: 'off',
        maxlength: 64,
      }),
    ),
    timeZones(),
    h(
      'section',
      { class: 'danger-zone', 'aria-labelledby': 'access-title' },
      h('h2', { id: 'access-title' }, t('user.access')),
      h('div', { class: 'row' }, roleButton, banButton),
    ),
  );
}
