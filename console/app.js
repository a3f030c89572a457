import * as api from './api.js';
import { auditPage } from './audit.js';
import { formatNumber, formatTime, h, replace } from './dom.js';
import { currentLanguage, locale, setLanguage, t, tStatus } from './i18n.js';
import { mailingCard, mailingsPage, newMailingPage, progressOf } from './mailings.js';
import { errorText } from './problems.js';
import { errorBox, excerpt, isolate, tIsolated } from './ui.js';
import { userCard, usersPage } from './users.js';

/**
 * The admin console (SPEC §2.4.1): a client of the public API only. Pages are functions of a
 * context (the main element, the route's parameters, a timer that dies with the page); the URL's
 * hash is the route, so Back, reload and links work.
 */

const root = document.getElementById('app');
let me = null;
let page = { timers: [], alive: false };

function stopPage() {
  page.alive = false;
  for (const timer of page.timers) clearInterval(timer);
  page = { timers: [], alive: false };
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(search);
  if (parts.length === 0 || parts[0] === 'dashboard') return { name: 'dashboard', render: dashboardPage, params };
  if (parts[0] === 'users' && parts[1]) return { name: 'users', render: userCard, params, id: parts[1] };
  if (parts[0] === 'users') return { name: 'users', render: usersPage, params };
  if (parts[0] === 'mailings' && parts[1] === 'new') return { name: 'mailings', render: newMailingPage, params };
  if (parts[0] === 'mailings' && parts[1]) return { name: 'mailings', render: mailingCard, params, id: parts[1] };
  if (parts[0] === 'mailings') return { name: 'mailings', render: mailingsPage, params };
  if (parts[0] === 'audit') return { name: 'audit', render: auditPage, params };
  return { name: 'dashboard', render: dashboardPage, params };
}

// ---------------------------------------------------------------------------------------------
// Signing in and out.

function loginPage(notice) {
  stopPage();
  document.title = t('app.title');
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h(
    'form',
    { class: 'login card', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', { class: 'muted' }, t('login.lead')),
    notice ? h('p', { class: 'notice', role: 'status', 'data-testid': 'login-notice' }, notice) : null,
    h('label', { for: 'login-username' }, t('login.username')),
    username,
    h('label', { for: 'login-password' }, t('login.password')),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      await api.signIn(username.value.trim(), password.value);
      await enter();
    } catch (err) {
      error.textContent = loginProblem(err);
      submit.disabled = false;
      password.select();
    }
  });
  replace(
    root,
    h(
      'div',
      { class: 'login-wrap' },
      languageSwitch(() => loginPage(notice)),
      form,
    ),
  );
  username.focus();
}

function loginProblem(err) {
  // A wrong username and a wrong password answer alike (SPEC §3.1), and say so whatever the code.
  if (err instanceof api.ApiError && err.status === 401) return t('login.wrong');
  return errorText(err);
}

const nameOf = (user) => user.firstName || user.displayName || user.username || user.telegramUsername || `#${user.id}`;

/** After a sign-in or a reload with a kept session: the caller's account decides what they see. */
async function enter() {
  me = await api.get('/users/me');
  if (me.role !== 'admin') {
    const name = nameOf(me);
    me = null;
    await api.signOut();
    replace(
      root,
      h(
        'div',
        { class: 'login-wrap' },
        h(
          'section',
          { class: 'card refused', role: 'alert', 'data-testid': 'not-admin' },
          h('h1', null, t('app.title')),
          h('p', null, tIsolated('login.notAdmin', { name })),
          h('p', { class: 'muted' }, t('login.notAdminHint')),
          h('button', { type: 'button', onClick: () => loginPage() }, t('login.submit')),
        ),
      ),
    );
    return;
  }
  renderShell();
}

async function signOut() {
  stopPage();
  me = null;
  await api.signOut();
  loginPage(t('login.signedOut'));
}

api.whenSignedOut((reason) => {
  if (me) {
    me = null;
    loginPage(t(reason === 'banned' ? 'login.bannedNow' : 'login.expired'));
  }
});

// ---------------------------------------------------------------------------------------------
// The shell: navigation, language, the current page.

function languageSwitch(rerender) {
  const other = currentLanguage() === 'ru' ? 'en' : 'ru';
  return h(
    'button',
    {
      type: 'button',
      class: 'lang',
      lang: other,
      'aria-label': t('lang.otherLabel'),
      'data-testid': 'language-switch',
      onClick: () => {
        setLanguage(other);
        rerender();
      },
    },
    t('lang.other'),
  );
}

const NAV = [
  ['dashboard', '#/', 'nav.dashboard'],
  ['users', '#/users', 'nav.users'],
  ['mailings', '#/mailings', 'nav.mailings'],
  ['audit', '#/audit', 'nav.audit'],
];

function renderShell() {
  const current = route();
  const nav = h(
    'nav',
    { 'aria-label': t('app.title') },
    h(
      'ul',
      null,
      NAV.map(([name, href, key]) =>
        h('li', null, h('a', { href, 'aria-current': name === current.name ? 'page' : false }, t(key))),
      ),
    ),
  );
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    root,
    h('a', { class: 'skip', href: '#main', onClick: skipToMain }, t('app.skip')),
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, 'Gramdesk'),
      nav,
      h(
        'div',
        { class: 'who' },
        h('span', { class: 'muted', 'data-testid': 'signed-in-as' }, tIsolated('nav.signedInAs', { name: nameOf(me) })),
        languageSwitch(renderShell),
        h('button', { type: 'button', onClick: signOut, 'data-testid': 'sign-out' }, t('nav.signOut')),
      ),
    ),
    main,
  );
  showPage(main, current);
}

function skipToMain(event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

async function showPage(main, current) {
  stopPage();
  const mine = { timers: [], alive: true };
  page = mine;
  const ctx = {
    main,
    params: current.params,
    id: current.id,
    me,
    alive: () => mine.alive,
    /** Runs `fn` every `ms` while this page is shown (live progress without reloading). */
    every(ms, fn) {
      let busy = false;
      mine.timers.push(
        setInterval(async () => {
          if (busy || !mine.alive) return;
          busy = true;
          try {
            await fn();
          } catch {
            // The next tick tries again; the page shows what it has.
          } finally {
            busy = false;
          }
        }, ms),
      );
    },
    go: (hash) => {
      location.hash = hash;
    },
  };
  replace(main, h('p', { class: 'muted' }, t('common.loading')));
  try {
    await current.render(ctx);
  } catch (err) {
    if (!mine.alive) return;
    replace(main, errorBox(err));
  }
  // The page was replaced under the keyboard's focus (a link pressed in the nav): it goes to the
  // new page's heading, so the next Tab continues in the page and a screen reader announces it.
  const heading = main.querySelector('h1');
  if (heading && mine.alive && (document.activeElement === document.body || document.activeElement === null)) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

window.addEventListener('hashchange', () => {
  if (me) renderShell();
});

// ---------------------------------------------------------------------------------------------
// Dashboard.

function statCard(label, value, testId) {
  return h(
    'div',
    { class: 'stat', 'data-testid': testId },
    h('span', { class: 'value' }, formatNumber(value, locale())),
    h('span', { class: 'label' }, label),
  );
}

function byStatusList(record, prefix) {
  const entries = Object.entries(record ?? {});
  if (entries.length === 0) return h('p', { class: 'muted' }, t('common.none'));
  return h(
    'dl',
    { class: 'by-status' },
    entries.map(([status, n]) => [h('dt', null, tStatus(prefix, status)), h('dd', null, formatNumber(n, locale()))]),
  );
}

async function dashboardPage(ctx) {
  document.title = `${t('dash.title')} · ${t('app.title')}`;
  const stats = h('section', { 'aria-labelledby': 'stats-users' });
  const running = h('section', { 'aria-labelledby': 'running-title', 'data-testid': 'running' });
  const updated = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const load = async () => {
    const [s, runningPage, pausedPage] = await Promise.all([
      api.get('/admin/stats'),
      api.get(`/mailings${api.query({ status: 'running', limit: 100 })}`),
      api.get(`/mailings${api.query({ status: 'paused', limit: 100 })}`).catch(() => ({ items: [] })),
    ]);
    if (!ctx.alive()) return;
    replace(
      stats,
      h('h2', { id: 'stats-users' }, t('dash.users')),
      h(
        'div',
        { class: 'stats' },
        statCard(t('dash.total'), s.users.total, 'stat-total'),
        statCard(t('dash.active7d'), s.users.active7d, 'stat-active'),
        statCard(t('dash.blockedBot'), s.users.blockedBot, 'stat-blocked'),
        statCard(t('dash.banned'), s.users.banned, 'stat-banned'),
        statCard(t('dash.messages24h'), s.messages24h, 'stat-messages'),
      ),
      h(
        'div',
        { class: 'grid2' },
        h('div', null, h('h2', null, t('dash.tasks')), byStatusList(s.tasks, 'tstatus')),
        h('div', null, h('h2', null, t('dash.mailings')), byStatusList(s.mailings, 'mstatus')),
      ),
    );
    const items = [...runningPage.items, ...pausedPage.items];
    replace(
      running,
      h('h2', { id: 'running-title' }, t('dash.running')),
      items.length === 0
        ? h('p', { class: 'muted' }, t('dash.noRunning'))
        : h(
            'ul',
            { class: 'running' },
            items.map((m) => {
              const p = progressOf(m);
              return h(
                'li',
                null,
                h('a', { href: `#/mailings/${m.id}` }, `#${m.id}`),
                ' ',
                h('span', { class: `badge ${m.status}` }, tStatus('mstatus', m.status)),
                ' ',
                h('span', { class: 'excerpt' }, isolate(excerpt(m.text))),
                h('progress', { max: Math.max(p.total, 1), value: p.done }),
                h('span', { class: 'muted small' }, t('mail.progress', { done: p.done, total: p.total })),
              );
            }),
          ),
    );
    updated.textContent = t('dash.updated', { time: formatTime(new Date().toISOString(), locale()) });
  };
  replace(ctx.main, h('h1', null, t('dash.title')), stats, running, updated);
  await load();
  ctx.every(2000, load);
}

// ---------------------------------------------------------------------------------------------
// Start.

document.documentElement.lang = currentLanguage();
(async () => {
  if (api.hasSession() && (await api.refresh())) {
    try {
      await enter();
      return;
    } catch {
      // Fall through to the sign-in page.
    }
  }
  // A kept session refused because the account was blocked says so, not just "sign in".
  loginPage(api.hasSession() || api.refusal() !== 'banned' ? undefined : t('login.bannedNow'));
})();
