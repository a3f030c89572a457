import * as api from './api.js';
import { confirmDialog, formatNumber, formatTime, h, replace } from './dom.js';
import { locale, t, tStatus } from './i18n.js';
import { errorText, fieldProblems } from './problems.js';
import { renderTelegramHtml } from './telegram-html.js';
import { errorBox, excerpt, isolate, pager } from './ui.js';

/**
 * Mailings over /mailings: the list, a new mailing, and a mailing's card with live progress, the
 * actions the API offers (read from /openapi.json, so pause / resume / test / recall appear when
 * the API has them) and the per-recipient table with a CSV download.
 */

const MAILING_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'];
const DELIVERY_STATUSES = ['pending', 'processing', 'sent', 'error', 'expired', 'unknown', 'recalled'];
const LIVE = new Set(['scheduled', 'running', 'paused']);

export function progressOf(m) {
  const counts = m.counts ?? {};
  const sum = Object.values(counts).reduce((a, b) => a + (Number(b) || 0), 0);
  const total = Math.max(sum, m.recipientCount ?? 0);
  const waiting = (counts.pending ?? 0) + (counts.processing ?? 0);
  return { total, done: Math.max(0, Math.min(total, sum - waiting)), sent: counts.sent ?? 0 };
}

function progressBar(m) {
  const p = progressOf(m);
  return h(
    'div',
    { class: 'progress', 'data-testid': 'progress' },
    h('progress', { max: Math.max(p.total, 1), value: p.done, 'aria-label': t('mail.col.progress') }),
    h(
      'span',
      { class: 'small' },
      t('mail.progress', { done: formatNumber(p.done, locale()), total: formatNumber(p.total, locale()) }),
    ),
  );
}

const badge = (status) => h('span', { class: `badge ${status}`, 'data-testid': 'status' }, tStatus('mstatus', status));

// ---------------------------------------------------------------------------------------------
// The list.

export async function mailingsPage(ctx) {
  document.title = `${t('mail.title')} · ${t('app.title')}`;
  const statusFilter = h(
    'select',
    { id: 'mailing-status', 'aria-label': t('mail.col.status') },
    h('option', { value: '' }, t('common.any')),
    MAILING_STATUSES.map((s) =>
      h('option', { value: s, selected: ctx.params.get('status') === s }, tStatus('mstatus', s)),
    ),
  );
  statusFilter.addEventListener('change', () => {
    ctx.go(`#/mailings${statusFilter.value ? `?status=${statusFilter.value}` : ''}`);
  });
  const list = h('div', { 'aria-live': 'polite' });
  replace(
    ctx.main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, t('mail.title')),
      h('a', { class: 'button primary', href: '#/mailings/new', 'data-testid': 'new-mailing' }, t('mail.new')),
    ),
    h('div', { class: 'filters' }, h('label', { for: 'mailing-status' }, t('mail.col.status')), statusFilter),
    list,
  );
  const load = async () => {
    const data = await api.get(
      `/mailings${api.query({
        status: ctx.params.get('status') ?? undefined,
        limit: 25,
        cursor: ctx.params.get('cursor') ?? undefined,
      })}`,
    );
    if (!ctx.alive()) return;
    replace(
      list,
      data.items.length === 0
        ? noMailings(ctx.params.get('status'))
        : h('div', { class: 'table-wrap' }, mailingsTable(data.items)),
      pager('#/mailings', ctx.params, data.nextCursor),
    );
  };
  try {
    await load();
  } catch (err) {
    replace(list, errorBox(err));
  }
  ctx.every(3000, load);
}

/** An empty list: none at all, or none with the status chosen (then a way back to all of them). */
function noMailings(status) {
  if (!status) return h('p', { class: 'muted' }, t('mail.none'));
  return h(
    'p',
    { class: 'muted', 'data-testid': 'no-match' },
    t('mail.noneWithStatus', { status: tStatus('mstatus', status) }),
    ' ',
    h('a', { href: '#/mailings' }, t('mail.showAll')),
  );
}

/** The audience of a filter in words: "Tags: #vip; Languages: ru", or "Everyone". */
export function audienceText(filter) {
  const parts = [
    filter?.tags?.length ? `${t('mail.tags')}: ${filter.tags.map((x) => `#${x}`).join(', ')}` : null,
    filter?.operatorCodes?.length ? `${t('mail.operatorCodes')}: ${filter.operatorCodes.join(', ')}` : null,
    filter?.languages?.length ? `${t('mail.languages')}: ${filter.languages.join(', ')}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : t('mail.everyone');
}

function mailingsTable(items) {
  const cols = ['id', 'status', 'text', 'start', 'recipients', 'sent', 'failed', 'progress'];
  return h(
    'table',
    { 'data-testid': 'mailings-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((c) => h('th', { scope: 'col' }, t(`mail.col.${c}`))),
      ),
    ),
    h(
      'tbody',
      null,
      items.map((m) =>
        h(
          'tr',
          { 'data-mailing-id': m.id },
          h('td', null, h('a', { href: `#/mailings/${m.id}` }, `#${m.id}`)),
          h('td', null, badge(m.status)),
          h('td', { class: 'excerpt' }, h('a', { href: `#/mailings/${m.id}` }, isolate(excerpt(m.text, 60)))),
          h('td', { class: 'nowrap' }, formatTime(m.startAt, locale())),
          h('td', { class: 'num' }, formatNumber(progressOf(m).total, locale())),
          h('td', { class: 'num' }, formatNumber(m.counts.sent ?? 0, locale())),
          h(
            'td',
            { class: 'num' },
            formatNumber((m.counts.error ?? 0) + (m.counts.expired ?? 0) + (m.counts.unknown ?? 0), locale()),
          ),
          h('td', null, progressBar(m)),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// A new mailing.

const pad = (n) => String(n).padStart(2, '0');
/** A Date as the value of an <input type="datetime-local"> (the browser's local time). */
const localInput = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const list = (text) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.replace(/^#/, '').trim())
    .filter(Boolean);

/** What each field of the new-mailing form is called where a problem names it. */
const FIELD_LABELS = {
  text: 'mail.text',
  'filter.tags': 'mail.tags',
  'filter.operatorCodes': 'mail.operatorCodes',
  'filter.languages': 'mail.languages',
  startAt: 'mail.col.start',
  endAt: 'mail.col.end',
  window: 'mail.windowShort',
};

/** The field of `byField` a problem's path names: itself, or the field it is part of (`filter.tags.3`). */
const fieldOf = (path, byField) => Object.keys(byField).find((field) => path === field || path.startsWith(`${field}.`));

/** A refused mailing or audience as lines "Field: problem" in the console's words, or the one error. */
function problemLines(err) {
  const problems = fieldProblems(err);
  if (problems.length === 0) return [errorText(err)];
  return problems.map(({ path, text }) => {
    const field = fieldOf(path, FIELD_LABELS);
    return field ? `${t(FIELD_LABELS[field])}: ${text}` : text;
  });
}

export async function newMailingPage(ctx) {
  document.title = `${t('mail.newTitle')} · ${t('app.title')}`;
  const ops = await api.apiOperations();
  const text = h('textarea', { id: 'mailing-text', name: 'text', rows: 6, maxlength: 8192, required: true });
  const preview = h('div', { class: 'preview', 'data-testid': 'preview', 'aria-live': 'polite' });
  const updatePreview = () => replace(preview, renderTelegramHtml(text.value));
  text.addEventListener('input', updatePreview);
  const tags = h('input', { id: 'mailing-tags', name: 'tags', placeholder: 'vip, beta' });
  const codes = h('input', {
    id: 'mailing-codes',
    name: 'operatorCodes',
    placeholder: '916, 926',
    inputmode: 'numeric',
  });
  const languages = ['en', 'ru'].map((l) => h('input', { type: 'checkbox', id: `mailing-lang-${l}`, value: l }));
  const startNow = h('input', { type: 'checkbox', id: 'mailing-start-now', checked: true });
  const now = new Date();
  const startAt = h('input', {
    type: 'datetime-local',
    id: 'mailing-start',
    value: localInput(new Date(now.getTime() + 3600_000)),
    disabled: true,
  });
  startNow.addEventListener('change', () => {
    startAt.disabled = startNow.checked;
  });
  const endAt = h('input', {
    type: 'datetime-local',
    id: 'mailing-end',
    value: localInput(new Date(now.getTime() + 24 * 3600_000)),
    required: true,
  });
  const windowFrom = h('input', { type: 'time', id: 'mailing-window-from' });
  const windowTo = h('input', { type: 'time', id: 'mailing-window-to' });
  const count = h('p', { class: 'muted', 'data-testid': 'recipient-count', 'aria-live': 'polite' });
  const problems = h('ul', { class: 'error', role: 'alert', 'data-testid': 'mailing-problems' });
  const filter = () => {
    const f = {};
    if (list(tags.value).length) f.tags = list(tags.value);
    if (list(codes.value).length) f.operatorCodes = list(codes.value);
    const langs = languages.filter((c) => c.checked).map((c) => c.value);
    if (langs.length) f.languages = langs;
    return f;
  };
  // A live recipient count, when the API offers one (an audience count operation); otherwise the
  // count appears on the card once the mailing exists.
  const audienceOp = ['POST /mailings/audience', 'POST /mailings/recipients/count'].find((op) => ops.has(op));
  let countTimer;
  /** The count asked last: only its answer is shown (see updateCount). */
  let latestCount = null;
  // Each change of the audience asks anew. An earlier count still on its way (a slow one, while the
  // admin kept typing) is abandoned, and its answer ignored should it arrive anyway: a stale number
  // never replaces the count of what the form says now.
  const updateCount = () => {
    if (!audienceOp) {
      count.textContent = t('mail.recipientsLater');
      return;
    }
    clearTimeout(countTimer);
    latestCount?.abort();
    const mine = new AbortController();
    latestCount = mine;
    countTimer = setTimeout(async () => {
      const current = () => latestCount === mine && ctx.alive();
      try {
        const result = await api.request('POST', audienceOp.split(' ')[1], {
          body: { filter: filter() },
          signal: mine.signal,
        });
        if (current())
          count.textContent = t('mail.recipients', {
            n: formatNumber(result.count ?? result.recipients ?? 0, locale()),
          });
      } catch (err) {
        // A value of the audience the API refuses is said here, as the admin types it.
        if (current()) count.textContent = problemLines(err).join(' ');
      }
    }, 300);
  };
  for (const input of [tags, codes, ...languages]) input.addEventListener('input', updateCount);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-mailing' }, t('mail.create'));
  const form = h(
    'form',
    { class: 'mailing-form', novalidate: true },
    h(
      'fieldset',
      null,
      h('legend', null, t('mail.text')),
      h('label', { for: 'mailing-text' }, t('mail.text')),
      text,
      h('p', { class: 'muted small' }, t('mail.textHint')),
      h('h3', null, t('mail.preview')),
      preview,
      h('p', { class: 'muted small' }, t('mail.previewHint')),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, t('mail.audience')),
      h('p', { class: 'muted small' }, t('mail.audienceHint')),
      h('label', { for: 'mailing-tags' }, t('mail.tags')),
      tags,
      h('label', { for: 'mailing-codes' }, t('mail.operatorCodes')),
      codes,
      h(
        'div',
        { class: 'checks', role: 'group', 'aria-label': t('mail.languages') },
        h('span', null, t('mail.languages')),
        languages.map((c) => h('label', { for: c.id }, c, ` ${c.value}`)),
      ),
      count,
    ),
    h(
      'fieldset',
      null,
      h('legend', null, t('mail.schedule')),
      h('label', { for: 'mailing-start-now', class: 'inline' }, startNow, ` ${t('mail.startNow')}`),
      h('label', { for: 'mailing-start' }, t('mail.startAt')),
      startAt,
      h('label', { for: 'mailing-end' }, t('mail.endAt')),
      endAt,
      h('p', null, t('mail.window')),
      h(
        'div',
        { class: 'row' },
        h('label', { for: 'mailing-window-from' }, t('mail.windowFrom')),
        windowFrom,
        h('label', { for: 'mailing-window-to' }, t('mail.windowTo')),
        windowTo,
      ),
    ),
    problems,
    submit,
  );
  /** The inputs of each field the API may name (an end of the window before the whole). */
  const inputsOf = {
    text: [text],
    'filter.tags': [tags],
    'filter.operatorCodes': [codes],
    'filter.languages': languages,
    startAt: [startAt],
    endAt: [endAt],
    'window.from': [windowFrom],
    'window.to': [windowTo],
    window: [windowFrom, windowTo],
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problems.replaceChildren();
    for (const input of Object.values(inputsOf).flat()) input.removeAttribute('aria-invalid');
    const body = {
      text: text.value,
      filter: filter(),
      endAt: endAt.value ? new Date(endAt.value).toISOString() : '',
      // Not starting now without a start time is a question for the API (it names the field), not "now".
      ...(startNow.checked ? {} : { startAt: startAt.value ? new Date(startAt.value).toISOString() : '' }),
      // One end of the window alone is sent too, so the API says what is missing instead of the
      // window being dropped without a word.
      ...(windowFrom.value || windowTo.value ? { window: { from: windowFrom.value, to: windowTo.value } } : {}),
    };
    submit.disabled = true;
    try {
      const created = await api.request('POST', '/mailings', { body });
      ctx.go(`#/mailings/${created.id}`);
    } catch (err) {
      submit.disabled = false;
      for (const line of problemLines(err)) problems.append(h('li', null, line));
      for (const problem of fieldProblems(err))
        for (const input of inputsOf[fieldOf(problem.path, inputsOf)] ?? []) input.setAttribute('aria-invalid', 'true');
    }
  });
  replace(
    ctx.main,
    h('p', null, h('a', { href: '#/mailings' }, t('mail.back'))),
    h('h1', null, t('mail.newTitle')),
    form,
  );
  updatePreview();
  updateCount();
  text.focus();
}

// ---------------------------------------------------------------------------------------------
// A mailing's card.

const ACTIONS = [
  { name: 'pause', when: (m) => m.status === 'running' },
  { name: 'resume', when: (m) => m.status === 'paused' },
  { name: 'cancel', when: (m) => LIVE.has(m.status), confirm: true },
  { name: 'test', when: () => true, done: 'mail.done.test' },
  // Once: a recalled mailing carries `recall` (its progress), and the API refuses a second one.
  { name: 'recall', when: (m) => (m.counts.sent ?? 0) > 0 && !m.recall, confirm: true },
];

export async function mailingCard(ctx) {
  const id = ctx.id;
  const ops = await api.apiOperations();
  let mailing = await api.get(`/mailings/${encodeURIComponent(id)}`);
  if (!ctx.alive()) return;
  document.title = `${t('mail.cardTitle', { id })} · ${t('app.title')}`;
  const summary = h('section', { class: 'summary', 'aria-live': 'polite', 'aria-atomic': 'false' });
  const actions = h('div', { class: 'row mailing-actions', 'data-testid': 'mailing-actions' });
  const notice = h('p', { class: 'status', role: 'status', 'data-testid': 'action-status' });
  const deliveryStatus = ctx.params.get('status') ?? '';
  const cursor = ctx.params.get('cursor') ?? undefined;
  const statusSelect = h(
    'select',
    { id: 'delivery-status', 'data-testid': 'delivery-status' },
    h('option', { value: '' }, t('mail.allStatuses')),
    DELIVERY_STATUSES.map((s) => h('option', { value: s, selected: deliveryStatus === s }, tStatus('dstatus', s))),
  );
  statusSelect.addEventListener('change', () => {
    ctx.go(`#/mailings/${id}${statusSelect.value ? `?status=${statusSelect.value}` : ''}`);
  });
  const csv = h('button', { type: 'button', 'data-testid': 'download-csv' }, t('mail.csv'));
  csv.addEventListener('click', () => downloadCsv(id, deliveryStatus, ops, notice));
  const deliveries = h('div', { 'data-testid': 'deliveries' });

  const renderSummary = () => {
    const m = mailing;
    replace(
      summary,
      h('div', { class: 'title-row' }, h('h1', null, t('mail.cardTitle', { id: m.id })), badge(m.status)),
      progressBar(m),
      h(
        'dl',
        { class: 'counts', 'data-testid': 'counts' },
        DELIVERY_STATUSES.filter((s) => s in m.counts).map((s) => [
          h('dt', null, tStatus('dstatus', s)),
          h('dd', { 'data-count': s }, formatNumber(m.counts[s] ?? 0, locale())),
        ]),
        typeof m.clicks === 'number'
          ? [h('dt', null, t('mail.clicks')), h('dd', null, formatNumber(m.clicks, locale()))]
          : null,
        typeof m.unsubscribes === 'number'
          ? [h('dt', null, t('mail.unsubscribes')), h('dd', null, formatNumber(m.unsubscribes, locale()))]
          : null,
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('mail.filter')),
        h('dd', null, audienceText(m.filter)),
        h('dt', null, t('mail.col.start')),
        h('dd', null, formatTime(m.startAt, locale())),
        h('dt', null, t('mail.col.end')),
        h('dd', null, formatTime(m.endAt, locale())),
        h('dt', null, t('mail.windowShort')),
        h('dd', null, m.window ? `${m.window.from}–${m.window.to}` : t('mail.noWindow')),
      ),
    );
  };
  let shownActionsFor = '';
  /** The action whose button was pressed last, until the buttons are drawn again. */
  let pressed = null;
  const renderActions = () => {
    const key = `${mailing.status}:${(mailing.counts.sent ?? 0) > 0}:${Boolean(mailing.recall)}`;
    if (key === shownActionsFor) return;
    shownActionsFor = key;
    // The buttons are replaced: the keyboard's focus, if it was on one (or one just pressed), moves to
    // the same action or the first one left (Pause → Resume), not to the top of the page.
    const focused = actions.contains(document.activeElement) ? document.activeElement.dataset.action : pressed;
    pressed = null;
    const buttons = ACTIONS.filter((a) => ops.has(`POST /mailings/{id}/${a.name}`) && a.when(mailing)).map((a) =>
      h(
        'button',
        {
          type: 'button',
          class: a.confirm ? 'danger' : '',
          'data-action': a.name,
          onClick: async (event) => {
            if (
              a.confirm &&
              !(await confirmDialog(t(`mail.confirm.${a.name}`, { id }), t('common.confirm'), t('common.cancel')))
            )
              return;
            event.target.disabled = true;
            pressed = a.name;
            notice.textContent = '';
            try {
              const result = await api.request('POST', `/mailings/${id}/${a.name}`, { body: {} });
              if (a.done) notice.textContent = t(a.done);
              if (result && typeof result === 'object' && 'status' in result && 'counts' in result) mailing = result;
              else mailing = await api.get(`/mailings/${id}`);
              renderSummary();
              shownActionsFor = '';
              renderActions();
            } catch (err) {
              pressed = null;
              notice.textContent = errorText(err);
              event.target.disabled = false;
            }
          },
        },
        t(`mail.act.${a.name}`),
      ),
    );
    if (mailing.status === 'scheduled' && ops.has('DELETE /mailings/{id}')) {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'data-action': 'delete',
            onClick: async () => {
              if (!(await confirmDialog(t('mail.confirm.delete', { id }), t('common.confirm'), t('common.cancel'))))
                return;
              try {
                await api.request('DELETE', `/mailings/${id}`);
                ctx.go('#/mailings');
              } catch (err) {
                notice.textContent = errorText(err);
              }
            },
          },
          t('mail.act.delete'),
        ),
      );
    }
    replace(actions, buttons);
    if (focused) (actions.querySelector(`[data-action="${focused}"]`) ?? actions.querySelector('button'))?.focus();
  };
  const loadDeliveries = async () => {
    const page = await api.get(
      `/mailings/${encodeURIComponent(id)}/deliveries${api.query({ status: deliveryStatus || undefined, limit: 50, cursor })}`,
    );
    if (!ctx.alive()) return;
    replace(
      deliveries,
      page.items.length === 0
        ? h('p', { class: 'muted' }, t('mail.noDeliveries'))
        : h('div', { class: 'table-wrap' }, deliveriesTable(page.items)),
      pager(`#/mailings/${id}`, ctx.params, page.nextCursor),
    );
  };

  replace(
    ctx.main,
    h('p', null, h('a', { href: '#/mailings' }, t('mail.back'))),
    summary,
    actions,
    notice,
    h(
      'section',
      { class: 'content' },
      h('h2', null, t('mail.preview')),
      h('div', { class: 'preview', 'data-testid': 'mailing-preview' }, renderTelegramHtml(mailing.text)),
      h('h3', null, t('mail.source')),
      h('pre', { class: 'source', 'data-testid': 'mailing-source' }, mailing.text),
    ),
    h(
      'section',
      { 'aria-labelledby': 'deliveries-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'deliveries-title' }, t('mail.deliveries')), csv),
      h('div', { class: 'filters' }, h('label', { for: 'delivery-status' }, t('mail.col.status')), statusSelect),
      deliveries,
    ),
  );
  renderSummary();
  renderActions();
  await loadDeliveries().catch((err) => replace(deliveries, errorBox(err)));
  let finalTick = false;
  ctx.every(1500, async () => {
    if (!LIVE.has(mailing.status) && finalTick) return;
    finalTick = !LIVE.has(mailing.status);
    mailing = await api.get(`/mailings/${encodeURIComponent(id)}`);
    if (!ctx.alive()) return;
    renderSummary();
    renderActions();
    await loadDeliveries();
  });
}

function deliveriesTable(items) {
  const cols = ['user', 'chat', 'status', 'attempts', 'error', 'sentAt'];
  return h(
    'table',
    { 'data-testid': 'deliveries-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((c) => h('th', { scope: 'col' }, t(`mail.col.${c}`))),
      ),
    ),
    h(
      'tbody',
      null,
      items.map((d) =>
        h(
          'tr',
          { 'data-delivery-status': d.status },
          h('td', null, h('a', { href: `#/users/${d.userId}` }, `#${d.userId}`)),
          h('td', null, String(d.chatId)),
          h('td', null, h('span', { class: `badge ${d.status}` }, tStatus('dstatus', d.status))),
          h('td', { class: 'num' }, String(d.attempts)),
          h('td', { class: 'error-text' }, d.error ?? ''),
          h('td', { class: 'nowrap' }, formatTime(d.sentAt, locale())),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// CSV.

const CSV_COLUMNS = [
  'id',
  'userId',
  'chatId',
  'status',
  'attempts',
  'error',
  'sentAt',
  'telegramMessageId',
  'updatedAt',
];

/** A CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet does not run it. */
function cell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The per-recipient table as a file: the API's own CSV (`Accept: text/csv`) when it documents one,
 * otherwise every page of the JSON list written as CSV here.
 */
async function downloadCsv(id, status, ops, notice) {
  notice.textContent = '';
  try {
    const op = ops.get('GET /mailings/{id}/deliveries');
    const apiCsv = Boolean(op?.responses?.['200']?.content?.['text/csv']);
    let blob;
    if (apiCsv) {
      const response = await api.request(
        'GET',
        `/mailings/${encodeURIComponent(id)}/deliveries${api.query({ status: status || undefined })}`,
        {
          accept: 'text/csv',
          raw: true,
        },
      );
      blob = await response.blob();
    } else {
      const lines = [CSV_COLUMNS.join(',')];
      let cursor;
      do {
        const page = await api.get(
          `/mailings/${encodeURIComponent(id)}/deliveries${api.query({ status: status || undefined, limit: 100, cursor })}`,
        );
        for (const d of page.items) lines.push(CSV_COLUMNS.map((c) => cell(d[c])).join(','));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      blob = new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    }
    const url = URL.createObjectURL(blob);
    const link = h('a', {
      href: url,
      download: `mailing-${id}-deliveries${status ? `-${status}` : ''}.csv`,
      hidden: true,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    notice.textContent = errorText(err);
  }
}
