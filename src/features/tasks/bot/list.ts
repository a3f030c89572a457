import type { BotContext } from '../../../platform/bot/context.js';
import { type Page, paginate } from '../../../platform/bot/ui/paginate.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { DomainError } from '../../../platform/errors.js';
import { escapeHtml, TELEGRAM_TEXT_LIMIT } from '../../../platform/telegram/html.js';
import { addDays, formatClock, formatDateTime, formatDue, localParts } from '../../../platform/time/local-dates.js';
import { chosenName, shownName, type User } from '../../users/index.js';
import { type CommentView, listComments } from '../comments.js';
import { tasksVersionKey } from '../jobs/reminders.js';
import { type TaskScope, type TaskSummary, taskSummaries } from '../lists.js';
import type { Task, TaskStatus } from '../task.entities.js';
import { advanceAhead, getVisibleTask, roleOf } from '../tasks.js';
import type { TaskFilter, TasksSearch, TasksSnapshot } from './session.js';

/** A search query is clipped to this (what the API accepts too). */
const SEARCH_QUERY_MAX = 200;

/**
 * Data and texts of the task screens (list, card, delete confirmation, comments). The menus
 * (menus/tasks.ts) and the dialogs (conversations/tasks.ts) render them; all changes go through
 * the domain use cases, which bump the user's tasks version and drop comment caches.
 */

export const TASKS_PAGE_SIZE = 6;
export const COMMENTS_PAGE_SIZE = 5;
/** A page number meaning "the last page" (paginate clamps it): comments open on the newest. */
export const LAST_PAGE = Number.MAX_SAFE_INTEGER;
/**
 * The list snapshot holds at most this many tasks, in list order (open ones first, then the
 * newest done ones). It lives in the session, read and written on every list click, so it stays
 * bounded: a summary with its title clipped to TITLE_IN_LIST characters is about 100 bytes of
 * JSON. A person with more tasks pages through the first SNAPSHOT_MAX; the list says so, and
 * 🔎 Search (a query of its own) finds any task.
 */
export const SNAPSHOT_MAX = 2000;
/**
 * How long a snapshot (or search) is trusted while the tasks version does not move. A bump lost to
 * a Redis outage is made again when Redis is back (RedisFollowUps), but not if the process that
 * owed it stopped first: then the list is stale for this long at most, and reloaded after (one query).
 */
export const SNAPSHOT_TTL_MS = 5 * 60_000;
/** Search results kept in the session (paged like the list). */
export const SEARCH_MAX = 200;
/** Titles are clipped to this in the snapshot: a button shows about this much anyway. */
const TITLE_IN_LIST = 48;
/** Escaped characters of a comment shown in the list: five of them and the header fit one message. */
const COMMENT_PREVIEW_MAX = 700;
/** Room kept for a notice line above the card, so whether the description fits never depends on it. */
const NOTICE_RESERVE = 160;

export const FILTERS: readonly TaskFilter[] = ['open', 'done', 'all'];
const FILTER_CODES: Record<TaskFilter, string> = { open: 'o', done: 'd', all: 'a' };
/** Whose tasks the list shows (SPEC §2.2.1): Mine · Assigned to me · All; combined with the filter. */
export const SCOPES: readonly TaskScope[] = ['mine', 'assigned', 'all'];
const SCOPE_CODES: Record<TaskScope, string> = { mine: 'm', assigned: 'g', all: 'l' };
/** The page code of search results. */
const SEARCH_CODE = 's';

const STATUS_KEYS: Record<TaskStatus, string> = {
  todo: 'task-status-todo',
  in_progress: 'task-status-in-progress',
  done: 'task-status-done',
};
const STATUS_EMOJI: Record<TaskStatus, string> = { todo: '⏳', in_progress: '🟡', done: '✅' };

export const statusLabel = (ctx: Pick<BotContext, 't'>, status: TaskStatus) => ctx.t(STATUS_KEYS[status]);

// ---------------------------------------------------------------------------------------------
// Per-update state. A click is handled in two steps: the menu plugin first renders the pressed
// menu again (to check that the button is still there), then runs the handler, which renders the
// next screen. Both steps read through these memos, so the database and Redis are asked once.

interface UpdateState {
  version?: Promise<string>;
  snapshot?: Promise<TasksSnapshot>;
  search?: Promise<TasksSearch | undefined>;
  tasks: Map<string, Promise<Task | null>>;
  contacts?: Promise<User[]>;
  comments: Map<string, Promise<CommentView[] | null>>;
  view: TasksView;
}

/** What the next screen shows, set by the handler before it renders the screen. */
export interface TasksView {
  task?: Task;
  /** A line above the screen's text, e.g. "✅ Title updated" after a dialog. */
  notice?: string;
  /** The comment a delete confirmation is about. */
  comment?: CommentView;
  commentsTaskId?: string;
}

const states = new WeakMap<object, UpdateState>();

function state(ctx: BotContext): UpdateState {
  let s = states.get(ctx);
  if (!s) {
    s = { tasks: new Map(), comments: new Map(), view: {} };
    states.set(ctx, s);
  }
  return s;
}

export const view = (ctx: BotContext): TasksView => state(ctx).view;

/**
 * The list snapshot, reloaded only when the user's tasks version in Redis moved (a Redis read,
 * not a query). The version is read before the rows, so a change racing the load can only make
 * the next render reload once more, never hide a change. It names the user too: the session
 * belongs to the chat, and linking or unlinking an HTTP account changes who the chat's user is.
 */
function tasksVersion(ctx: BotContext): Promise<string> {
  const s = state(ctx);
  s.version ??= ctx.deps.redis
    .get(tasksVersionKey(ctx.deps.keyPrefix ?? '', ctx.profile.id))
    .then((counter) => `${ctx.profile.id}:${counter ?? '0'}`);
  return s.version;
}

/** Whether what was loaded at `loadedAt` as of `version` still stands (sessions from before it have no time: reload). */
const current = (loaded: { version: string; loadedAt?: number }, version: string) =>
  loaded.version === version && loaded.loadedAt !== undefined && Date.now() - loaded.loadedAt < SNAPSHOT_TTL_MS;

const clipped = (items: TaskSummary[]) =>
  items.map((t): TaskSummary => ({ ...t, title: clip(t.title, TITLE_IN_LIST) }));

export function tasksSnapshot(ctx: BotContext): Promise<TasksSnapshot> {
  const s = state(ctx);
  s.snapshot ??= (async () => {
    const session = await ctx.session;
    const version = await tasksVersion(ctx);
    const previous = session.tasks;
    if (previous && current(previous, version)) return previous;
    const loadedAt = Date.now();
    const items = clipped(await taskSummaries(ctx.em, ctx.profile.id, SNAPSHOT_MAX));
    session.tasks = {
      version,
      loadedAt,
      filter: previous?.filter ?? 'open',
      page: previous?.page ?? 1,
      items,
      ...(previous?.scope ? { scope: previous.scope } : {}),
      ...(previous?.search ? { search: previous.search } : {}),
    };
    return session.tasks;
  })();
  return s.snapshot;
}

/**
 * The search being browsed (its results as of the user's tasks version, like the snapshot:
 * re-run with one query when the tasks changed), or undefined when the list is not searching.
 */
export function tasksSearch(ctx: BotContext): Promise<TasksSearch | undefined> {
  const s = state(ctx);
  s.search ??= (async () => {
    // The search's results do not need the snapshot: a change re-runs the search only.
    const search = (await ctx.session).tasks?.search;
    if (!search) return undefined;
    const version = await tasksVersion(ctx);
    if (current(search, version)) return search;
    search.loadedAt = Date.now();
    search.items = clipped(await taskSummaries(ctx.em, ctx.profile.id, SEARCH_MAX, search.query));
    search.version = version;
    return search;
  })();
  return s.search;
}

/** Starts a search by words of the title (one query); the list shows its results until it is cleared. */
export async function startSearch(ctx: BotContext, query: string): Promise<TasksSearch> {
  const snapshot = await tasksSnapshot(ctx);
  const q = clip(query.replace(/\s+/g, ' ').trim(), SEARCH_QUERY_MAX);
  const loadedAt = Date.now();
  const items = clipped(await taskSummaries(ctx.em, ctx.profile.id, SEARCH_MAX, q));
  snapshot.search = { query: q, version: await tasksVersion(ctx), loadedAt, page: 1, items };
  state(ctx).search = Promise.resolve(snapshot.search);
  return snapshot.search;
}

export async function clearSearch(ctx: BotContext): Promise<void> {
  const snapshot = await tasksSnapshot(ctx);
  snapshot.search = undefined;
  state(ctx).search = Promise.resolve(undefined);
}

/** After a change made in this update, the next list render checks the version again. */
export function forgetSnapshot(ctx: BotContext): void {
  const s = state(ctx);
  s.version = undefined;
  s.snapshot = undefined;
  s.search = undefined;
}

/**
 * A task the user sees (their own, or assigned to them), or null for an unknown or anyone else's
 * id (getVisibleTask's "not found"). One query per update, whatever asks.
 */
export function visibleTask(ctx: BotContext, id: string): Promise<Task | null> {
  const s = state(ctx);
  let found = s.tasks.get(id);
  if (!found) {
    found = getVisibleTask(ctx.em, ctx.profile, id).catch(notFoundAsNull);
    s.tasks.set(id, found);
  }
  return found;
}

/** The user's own task (the owner-only actions: edits, assign, delete); the assignee's is null, like a stranger's. */
export async function ownTask(ctx: BotContext, id: string): Promise<Task | null> {
  const task = await visibleTask(ctx, id);
  return task && roleOf(task, ctx.profile) === 'owner' ? task : null;
}

/** Whether the user owns the task (else they are its assignee). */
export const isOwner = (ctx: BotContext, task: Task) => roleOf(task, ctx.profile) === 'owner';

/** The people the user exchanged PMs with, to pick an assignee from (one query per update). */
export function pickableContacts(ctx: BotContext, load: () => Promise<User[]>): Promise<User[]> {
  const s = state(ctx);
  s.contacts ??= load();
  return s.contacts;
}

/** The comments of the user's own task, oldest first (from the Redis cache when it has them). */
export function taskComments(ctx: BotContext, taskId: string): Promise<CommentView[] | null> {
  const s = state(ctx);
  let found = s.comments.get(taskId);
  if (!found) {
    found = listComments(ctx.em, ctx.deps.commentCache, ctx.profile, taskId).catch(notFoundAsNull);
    s.comments.set(taskId, found);
  }
  return found;
}

/** After a task or its comments changed in this update. */
export function forgetTask(ctx: BotContext, taskId: string): void {
  const s = state(ctx);
  s.tasks.delete(taskId);
  s.comments.delete(taskId);
}

function notFoundAsNull(err: unknown): null {
  if (err instanceof DomainError && err.code === 'not_found') return null;
  throw err;
}

// ---------------------------------------------------------------------------------------------
// Payloads. Menu buttons carry short strings (no "/", callback_data ≤ 64 bytes); ids are bigserials.

/**
 * List navigation: filter code + page, e.g. `o2`, or `s2` for a page of search results; a task
 * button carries the bare task id.
 */
export const listPayload = (filter: TaskFilter | 'search', page: number) =>
  `${filter === 'search' ? SEARCH_CODE : FILTER_CODES[filter]}${page}`;
/** A scope button: `cm`, `cg`, `cl` (back to page 1). */
export const scopePayload = (scope: TaskScope) => `c${SCOPE_CODES[scope]}`;

export function parseListPayload(
  payload: string,
):
  | { filter: TaskFilter; page: number }
  | { search: true; page: number }
  | { taskId: string }
  | { scope: TaskScope }
  | null {
  if (/^\d{1,19}$/.test(payload)) return { taskId: payload };
  const scope = /^c([mgl])$/.exec(payload);
  if (scope) return { scope: SCOPES.find((s) => SCOPE_CODES[s] === scope[1]) ?? 'all' };
  const match = /^([odas])(\d{1,5})$/.exec(payload);
  if (!match) return null;
  if (match[1] === SEARCH_CODE) return { search: true, page: Number(match[2]) };
  const filter = FILTERS.find((f) => FILTER_CODES[f] === match[1]) ?? 'open';
  return { filter, page: Number(match[2]) };
}

/**
 * Card, comments and confirmation buttons: `<id>.<action>`, the id of the task they act on and
 * what they do (see screens.ts), so a press means the same whether or not its menu is current.
 * The status each code names:
 */
export const STATUS_CODES: Record<TaskStatus, string> = { todo: 't', in_progress: 'p', done: 'd' };
export const statusOfCode = (code: string): TaskStatus | undefined =>
  (Object.keys(STATUS_CODES) as TaskStatus[]).find((status) => STATUS_CODES[status] === code);

// ---------------------------------------------------------------------------------------------
// The list.

export interface ListView {
  snapshot: TasksSnapshot;
  /** The search whose results are shown, if any. */
  search: TasksSearch | undefined;
  page: Page<TaskSummary>;
  counts: Record<TaskStatus, number>;
  overdue: number;
}

const inFilter = (filter: TaskFilter, scope: TaskScope) => (t: TaskSummary) =>
  (scope === 'all' || (scope === 'assigned') === !!t.theirs) &&
  (filter === 'all' ? true : filter === 'done' ? t.status === 'done' : t.status !== 'done');

/**
 * Whether the list offers Mine · Assigned to me · All: once the user shares a task either way
 * (until then the row would only take room; a user whose every task is their own sees no change).
 */
export const isShared = (snapshot: TasksSnapshot) =>
  (snapshot.scope ?? 'all') !== 'all' || snapshot.items.some((t) => t.theirs || t.handedOut);

export const isOverdue = (t: Pick<TaskSummary, 'status' | 'dueAt'>, now = Date.now()) =>
  t.status !== 'done' && t.dueAt !== null && t.dueAt <= now;

/** The page shown: of the search results when searching, else of the filter (both in list order). */
export async function listView(ctx: BotContext): Promise<ListView> {
  const search = await tasksSearch(ctx);
  const session = await ctx.session;
  // Search results show no counts: the snapshot as it is will do, without reloading it.
  const snapshot = search && session.tasks ? session.tasks : await tasksSnapshot(ctx);
  const now = Date.now();
  let page: Page<TaskSummary>;
  if (search) {
    page = paginate(search.items, search.page, TASKS_PAGE_SIZE);
    search.page = page.page;
  } else {
    page = paginate(
      snapshot.items.filter(inFilter(snapshot.filter, snapshot.scope ?? 'all')),
      snapshot.page,
      TASKS_PAGE_SIZE,
    );
    snapshot.page = page.page;
  }
  const counts: Record<TaskStatus, number> = { todo: 0, in_progress: 0, done: 0 };
  let overdue = 0;
  for (const item of snapshot.items) {
    counts[item.status] += 1;
    if (isOverdue(item, now)) overdue += 1;
  }
  return { snapshot, search, page, counts, overdue };
}

export async function listText(ctx: BotContext): Promise<string> {
  const text = await listBody(ctx);
  // A line saying why the list is shown, e.g. that the task a dialog was editing is gone.
  const notice = view(ctx).notice;
  return notice ? `${notice}\n\n${text}` : text;
}

async function listBody(ctx: BotContext): Promise<string> {
  const { snapshot, search, page, counts, overdue } = await listView(ctx);
  if (search) {
    const lines = [
      ctx.t('tasks-search-title', { query: search.query }),
      page.total === 0 ? ctx.t('tasks-search-none') : ctx.t('tasks-search-found', { count: page.total }),
    ];
    if (page.pages > 1) lines.push(ctx.t('tasks-page', { page: page.page, pages: page.pages }));
    if (page.total >= SEARCH_MAX) lines.push('', ctx.t('tasks-search-capped', { max: SEARCH_MAX }));
    return lines.join('\n');
  }
  const tally = ctx.t('tasks-counts', { todo: counts.todo, inProgress: counts.in_progress, done: counts.done });
  const scope = snapshot.scope ?? 'all';
  const filter = ctx.t(`tasks-filter-${snapshot.filter}`);
  const lines = [
    ctx.t('tasks-title', {
      filter: scope === 'all' ? filter : `${filter} · ${ctx.t(`tasks-scope-${scope}`)}`,
    }),
    overdue > 0 ? `${tally} · ${ctx.t('tasks-overdue', { count: overdue })}` : tally,
  ];
  if (page.total === 0) {
    lines.push('', scope === 'assigned' ? ctx.t('tasks-empty-assigned') : ctx.t(`tasks-empty-${snapshot.filter}`));
  } else if (page.pages > 1) lines.push(ctx.t('tasks-page', { page: page.page, pages: page.pages }));
  if (snapshot.items.length >= SNAPSHOT_MAX) lines.push('', ctx.t('tasks-capped', { max: SNAPSHOT_MAX }));
  return lines.join('\n');
}

/** Titles of dated tasks are clipped to this on their button, so the due date stays in sight. */
const TITLE_WITH_DUE = 28;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A due date in a few characters, in the user's zone: "today 18:00", "tomorrow 09:00",
 * "yesterday 18:00", else the day ("Dec 11" / "11 дек."; with the year when not this year's).
 */
export function shortDue(ctx: Pick<BotContext, 't' | 'profile'>, dueAt: Date, now = new Date()): string {
  const zone = ctx.profile.timezone;
  const day = localParts(dueAt, zone);
  const today = localParts(now, zone);
  const same = (a: { year: number; month: number; day: number }, b: typeof a) =>
    a.year === b.year && a.month === b.month && a.day === b.day;
  const time = formatClock(dueAt, zone);
  if (same(day, today)) return ctx.t('tasks-due-today', { time });
  if (same(day, addDays(today, 1))) return ctx.t('tasks-due-tomorrow', { time });
  if (same(day, addDays(today, -1))) return ctx.t('tasks-due-yesterday', { time });
  const locale = ctx.profile.language;
  const withYear = day.year !== today.year;
  const key = `${locale}:${withYear}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
    });
    dayFormats.set(key, format);
  }
  return format.format(new Date(Date.UTC(day.year, day.month - 1, day.day, 12)));
}

/** "⏳ Title", or with a due date "⏳ Title · 📅 tomorrow 09:00", overdue "⏳ Title · ❗ yesterday 18:00". */
export function taskButtonLabel(ctx: Pick<BotContext, 't' | 'profile'>, t: TaskSummary, now = Date.now()): string {
  // 📥 assigned to me by someone, 👤 mine, handed to someone.
  const head = `${STATUS_EMOJI[t.status]}${t.theirs ? ' 📥' : t.handedOut ? ' 👤' : ''}`;
  if (t.dueAt === null || t.status === 'done') return `${head} ${t.title}`;
  const mark = isOverdue(t, now) ? '❗' : '📅';
  return `${head} ${clip(t.title, TITLE_WITH_DUE)} · ${mark} ${shortDue(ctx, new Date(t.dueAt), new Date(now))}`;
}

// ---------------------------------------------------------------------------------------------
// The card.

export interface CardContent {
  text: string;
  /** The description did not fit into one message; the card offers it in full. */
  clipped: boolean;
}

export function cardContent(ctx: BotContext, task: Task, notice?: string): CardContent {
  const zone = ctx.profile.timezone;
  const locale = ctx.profile.language;
  const title = ctx.t('task-card-title', { title: task.title });
  const overdue = ` ${ctx.t('task-card-overdue')}`;
  const isOverdue = task.dueAt != null && task.status !== 'done' && task.dueAt.getTime() <= Date.now();
  // The card is redrawn, so its times may say "today 09:24" (formatDue).
  const tail = cardTail(ctx, task, isOverdue ? overdue : '', (instant) => formatDue(instant, zone, ctx.t, locale));
  const head = notice ? [notice, '', title] : [title];
  if (!task.description) {
    return { text: [...head, ctx.t('task-card-no-description'), ...tail].join('\n'), clipped: false };
  }
  // Whether the description fits must not depend on the notice or the clock: the card's buttons
  // (a "full description" one) are rendered again when pressed, and must come out the same. So
  // the rest is measured with the overdue mark, and with every time in its longest form (written
  // out with the year), not as "today" or "yesterday", which midnight changes.
  const open = '<blockquote expandable>';
  const close = '</blockquote>';
  const longest = cardTail(ctx, task, overdue, (instant) => formatDateTime(instant, zone, ctx.t, locale, ANOTHER_YEAR));
  const fixed = [title, ...longest].join('\n').length + NOTICE_RESERVE;
  const budget = TELEGRAM_TEXT_LIMIT - fixed - open.length - close.length - 8;
  const { text: description, clipped } = clipEscaped(task.description, budget);
  return { text: [...head, `${open}${description}${close}`, ...tail].join('\n'), clipped };
}

/** A "now" in a year no task's time is in: formatDateTime then writes the year. */
const ANOTHER_YEAR = new Date(0);

/** The card's lines below the description: status, due date (`overdue`: its mark, or ''), …, times. */
function cardTail(ctx: BotContext, task: Task, overdue: string, when: (instant: Date) => string): string[] {
  const due = task.dueAt
    ? ctx.t('task-card-due', { due: when(task.dueAt), timezone: ctx.profile.timezone })
    : ctx.t('task-card-due-none');
  const tail = [
    '',
    ctx.t('task-card-status', { status: statusLabel(ctx, task.status) }),
    `${due}${overdue}`,
    // Only while that reminder is still to come: past its moment (or sent, or the task done) the
    // line promised a reminder that would not come.
    ...(task.dueAt &&
    task.remindBefore &&
    task.status !== 'done' &&
    !task.advanceRemindedAt &&
    advanceAhead(task.dueAt, task.remindBefore)
      ? [
          ctx.t('task-card-remind-before', {
            value: ctx.t(task.remindBefore === 'PT1H' ? 'task-remind-before-hour' : 'task-remind-before-day'),
          }),
        ]
      : []),
    task.tags.length
      ? ctx.t('task-card-tags', { tags: task.tags.map((tag) => `#${tag}`).join(' ') })
      : ctx.t('task-card-tags-none'),
    ...participantLines(ctx, task),
    ctx.t('task-card-comments', { count: task.commentCount }),
    ctx.t('task-card-created', { created: when(task.createdAt) }),
  ];
  if (Math.abs(task.updatedAt.getTime() - task.createdAt.getTime()) >= 60_000) {
    tail.push(ctx.t('task-card-updated', { updated: when(task.updatedAt) }));
  }
  return tail;
}

/** A party's name on the card: their chosen name and @username when they have one. */
export function partyName(user: User): string {
  const name = shownName(chosenName(user) ?? '') || null;
  const handle = user.username ?? user.telegramUsername ?? null;
  if (name && handle) return `${clip(name, 32)} (@${handle})`;
  return name ? clip(name, 32) : handle ? `@${handle}` : '—';
}

/** Who else is on a shared task: the owner (for the assignee), the assignee (for the owner). */
function participantLines(ctx: BotContext, task: Task): string[] {
  if (!task.assignee) return [];
  if (roleOf(task, ctx.profile) === 'assignee') return [ctx.t('task-card-owner', { name: partyName(task.owner) })];
  return [ctx.t('task-card-assignee', { name: partyName(task.assignee) })];
}

export function deleteText(ctx: BotContext, task: Task): string {
  return ctx.t('task-delete-confirm', { title: task.title });
}

// ---------------------------------------------------------------------------------------------
// Comments.

export interface CommentsView {
  taskId: string;
  title: string;
  page: Page<CommentView>;
  /** Position (1-based, over all comments) of each comment on the page. */
  numbers: Map<string, number>;
}

/** The comments page the session points at for this task; a new task's comments open on the newest page. */
export async function commentsView(ctx: BotContext, taskId: string): Promise<CommentsView | null> {
  const task = await visibleTask(ctx, taskId);
  const comments = task ? await taskComments(ctx, taskId) : null;
  if (!task || !comments) return null;
  const session = await ctx.session;
  const wanted = session.comments?.taskId === taskId ? session.comments.page : LAST_PAGE;
  const page = paginate(comments, wanted, COMMENTS_PAGE_SIZE);
  session.comments = { taskId, page: page.page };
  const numbers = new Map(page.items.map((c, i) => [c.id, (page.page - 1) * COMMENTS_PAGE_SIZE + i + 1]));
  return { taskId, title: task.title, page, numbers };
}

export const authorName = (c: CommentView) =>
  clip(shownName(c.author.firstName ?? '') || (c.author.username ? `@${c.author.username}` : '—'), 32);

/** Shorter previews of each comment, in turn, until the page fits one message. */
const PREVIEW_BUDGETS = [COMMENT_PREVIEW_MAX, 400, 200, 80];

export function commentsText(ctx: BotContext, v: CommentsView, notice?: string): string {
  const zone = ctx.profile.timezone;
  const head = [...(notice ? [notice, ''] : []), ctx.t('comments-title', { title: clip(v.title, 64) })];
  if (v.page.pages > 1) head.push(ctx.t('comments-page', { page: v.page.page, pages: v.page.pages }));
  if (v.page.total === 0) head.push('', ctx.t('comments-empty'));
  const headers = v.page.items.map((c) => {
    const edited = c.editedAt ? ` ${ctx.t('comments-edited')}` : '';
    const n = v.numbers.get(c.id) ?? 0;
    // The page is redrawn: "today 09:24" (formatDue), as the card says times.
    const time = formatDue(c.createdAt, zone, ctx.t, ctx.profile.language);
    return `${ctx.t('comments-item', { n, author: authorName(c), time })}${edited}`;
  });
  let text = '';
  for (const budget of PREVIEW_BUDGETS) {
    const body = v.page.items.flatMap((c, i) => ['', headers[i] ?? '', clipEscaped(c.text, budget).text]);
    text = [...head, ...body].join('\n');
    if (text.length <= TELEGRAM_TEXT_LIMIT) break;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

/** HTML-escapes a text, cutting it (with "…") so the escaped form fits `budget` characters. */
export function clipEscaped(text: string, budget: number): { text: string; clipped: boolean } {
  const escaped = escapeHtml(text);
  if (escaped.length <= budget) return { text: escaped, clipped: false };
  let out = '';
  for (const char of text) {
    const next = escapeHtml(char);
    if (out.length + next.length > budget - 1) break;
    out += next;
  }
  return { text: `${out}…`, clipped: true };
}
