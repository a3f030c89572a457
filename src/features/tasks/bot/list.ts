import type { BotContext } from '../../../platform/bot/context.js';
import { type Page, paginate } from '../../../platform/bot/ui/paginate.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { DomainError } from '../../../platform/errors.js';
import { escapeHtml, TELEGRAM_TEXT_LIMIT } from '../../../platform/telegram/html.js';
import { formatLocal } from '../../../platform/time/local-dates.js';
import { type CommentView, listComments } from '../comments.js';
import { tasksVersionKey } from '../jobs/reminders.js';
import type { Task, TaskStatus } from '../task.entities.js';
import { getOwnTask, type TaskSummary, taskSummaries } from '../tasks.js';
import type { TaskFilter, TasksSnapshot } from './session.js';

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
 * The list snapshot holds at most this many tasks (the newest). It lives in the session, which
 * is read and written on every list click, so it must stay small: 500 summaries with titles
 * clipped to TITLE_IN_LIST characters are 45–70 KB of JSON. Older tasks remain reachable over
 * the API; the list says when the cap is reached.
 */
export const SNAPSHOT_MAX = 500;
/** Titles are clipped to this in the snapshot: a button shows about this much anyway. */
const TITLE_IN_LIST = 48;
/** Escaped characters of a comment shown in the list: five of them and the header fit one message. */
const COMMENT_PREVIEW_MAX = 700;
/** Room kept for a notice line above the card, so whether the description fits never depends on it. */
const NOTICE_RESERVE = 160;

export const FILTERS: readonly TaskFilter[] = ['open', 'done', 'all'];
const FILTER_CODES: Record<TaskFilter, string> = { open: 'o', done: 'd', all: 'a' };

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
  snapshot?: Promise<TasksSnapshot>;
  tasks: Map<string, Promise<Task | null>>;
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
export function tasksSnapshot(ctx: BotContext): Promise<TasksSnapshot> {
  const s = state(ctx);
  s.snapshot ??= (async () => {
    const session = await ctx.session;
    const counter = await ctx.deps.redis.get(tasksVersionKey(ctx.deps.keyPrefix ?? '', ctx.user.id));
    const version = `${ctx.user.id}:${counter ?? '0'}`;
    const current = session.tasks;
    if (current && current.version === version) return current;
    const items = (await taskSummaries(ctx.em, ctx.user.id, SNAPSHOT_MAX)).map(
      (t): TaskSummary => ({ ...t, title: clip(t.title, TITLE_IN_LIST) }),
    );
    session.tasks = { version, filter: current?.filter ?? 'open', page: current?.page ?? 1, items };
    return session.tasks;
  })();
  return s.snapshot;
}

/** After a change made in this update, the next list render checks the version again. */
export function forgetSnapshot(ctx: BotContext): void {
  state(ctx).snapshot = undefined;
}

/** The user's own task, or null for an unknown or someone else's id (getOwnTask's "not found"). */
export function ownTask(ctx: BotContext, id: string): Promise<Task | null> {
  const s = state(ctx);
  let found = s.tasks.get(id);
  if (!found) {
    found = getOwnTask(ctx.em, ctx.user, id).catch(notFoundAsNull);
    s.tasks.set(id, found);
  }
  return found;
}

/** The comments of the user's own task, oldest first (from the Redis cache when it has them). */
export function taskComments(ctx: BotContext, taskId: string): Promise<CommentView[] | null> {
  const s = state(ctx);
  let found = s.comments.get(taskId);
  if (!found) {
    found = listComments(ctx.em, ctx.deps.commentCache, ctx.user, taskId).catch(notFoundAsNull);
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

/** List navigation: filter code + page, e.g. `o2`; a task button carries the bare task id. */
export const listPayload = (filter: TaskFilter, page: number) => `${FILTER_CODES[filter]}${page}`;

export function parseListPayload(payload: string): { filter: TaskFilter; page: number } | { taskId: string } | null {
  if (/^\d{1,19}$/.test(payload)) return { taskId: payload };
  const match = /^([oda])(\d{1,5})$/.exec(payload);
  if (!match) return null;
  const filter = FILTERS.find((f) => FILTER_CODES[f] === match[1]) ?? 'open';
  return { filter, page: Number(match[2]) };
}

/**
 * Card, comments and confirmation buttons: `<id>.<action>`, the id of the task they act on and
 * what they do (see screens.ts), so a press means the same whether or not its menu is current.
 * The status each code names:
 */
export const STATUS_CODES: Record<TaskStatus, string> = { todo: 't', in_progress: 'p', done: 'd' };

// ---------------------------------------------------------------------------------------------
// The list.

export interface ListView {
  snapshot: TasksSnapshot;
  page: Page<TaskSummary>;
  counts: Record<TaskStatus, number>;
}

const inFilter = (filter: TaskFilter) => (t: TaskSummary) =>
  filter === 'all' ? true : filter === 'done' ? t.status === 'done' : t.status !== 'done';

export async function listView(ctx: BotContext): Promise<ListView> {
  const snapshot = await tasksSnapshot(ctx);
  const page = paginate(snapshot.items.filter(inFilter(snapshot.filter)), snapshot.page, TASKS_PAGE_SIZE);
  snapshot.page = page.page;
  const counts: Record<TaskStatus, number> = { todo: 0, in_progress: 0, done: 0 };
  for (const item of snapshot.items) counts[item.status] += 1;
  return { snapshot, page, counts };
}

export async function listText(ctx: BotContext): Promise<string> {
  const { snapshot, page, counts } = await listView(ctx);
  const lines = [
    ctx.t('tasks-title', { filter: ctx.t(`tasks-filter-${snapshot.filter}`) }),
    ctx.t('tasks-counts', { todo: counts.todo, inProgress: counts.in_progress, done: counts.done }),
  ];
  if (page.total === 0) lines.push('', ctx.t(`tasks-empty-${snapshot.filter}`));
  else if (page.pages > 1) lines.push(ctx.t('tasks-page', { page: page.page, pages: page.pages }));
  if (snapshot.items.length >= SNAPSHOT_MAX) lines.push('', ctx.t('tasks-capped', { max: SNAPSHOT_MAX }));
  return lines.join('\n');
}

export const taskButtonLabel = (t: TaskSummary) => `${STATUS_EMOJI[t.status]} ${t.title}`;

// ---------------------------------------------------------------------------------------------
// The card.

export interface CardContent {
  text: string;
  /** The description did not fit into one message; the card offers it in full. */
  clipped: boolean;
}

export function cardContent(ctx: BotContext, task: Task, notice?: string): CardContent {
  const zone = ctx.user.timezone;
  const title = ctx.t('task-card-title', { title: task.title });
  const overdue = ` ${ctx.t('task-card-overdue')}`;
  const isOverdue = task.dueAt != null && task.status !== 'done' && task.dueAt.getTime() <= Date.now();
  const due = task.dueAt
    ? ctx.t('task-card-due', { due: formatLocal(task.dueAt, zone), timezone: zone })
    : ctx.t('task-card-due-none');
  const tail = [
    '',
    ctx.t('task-card-status', { status: statusLabel(ctx, task.status) }),
    isOverdue ? `${due}${overdue}` : due,
    task.tags.length
      ? ctx.t('task-card-tags', { tags: task.tags.map((tag) => `#${tag}`).join(' ') })
      : ctx.t('task-card-tags-none'),
    ctx.t('task-card-comments', { count: task.commentCount }),
    ctx.t('task-card-created', { created: formatLocal(task.createdAt, zone) }),
  ];
  if (Math.abs(task.updatedAt.getTime() - task.createdAt.getTime()) >= 60_000) {
    tail.push(ctx.t('task-card-updated', { updated: formatLocal(task.updatedAt, zone) }));
  }
  const head = notice ? [notice, '', title] : [title];
  if (!task.description) {
    return { text: [...head, ctx.t('task-card-no-description'), ...tail].join('\n'), clipped: false };
  }
  // Whether the description fits must not depend on the notice or the clock: the card's buttons
  // (a "full description" one) are rendered again when pressed, and must come out the same.
  const open = '<blockquote expandable>';
  const close = '</blockquote>';
  const fixed = [title, ...tail].join('\n').length + (isOverdue ? 0 : overdue.length) + NOTICE_RESERVE;
  const budget = TELEGRAM_TEXT_LIMIT - fixed - open.length - close.length - 8;
  const { text: description, clipped } = clipEscaped(task.description, budget);
  return { text: [...head, `${open}${description}${close}`, ...tail].join('\n'), clipped };
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
  const task = await ownTask(ctx, taskId);
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
  clip(c.author.firstName || (c.author.username ? `@${c.author.username}` : '—'), 32);

/** Shorter previews of each comment, in turn, until the page fits one message. */
const PREVIEW_BUDGETS = [COMMENT_PREVIEW_MAX, 400, 200, 80];

export function commentsText(ctx: BotContext, v: CommentsView, notice?: string): string {
  const zone = ctx.user.timezone;
  const head = [...(notice ? [notice, ''] : []), ctx.t('comments-title', { title: clip(v.title, 64) })];
  if (v.page.pages > 1) head.push(ctx.t('comments-page', { page: v.page.page, pages: v.page.pages }));
  if (v.page.total === 0) head.push('', ctx.t('comments-empty'));
  const headers = v.page.items.map((c) => {
    const edited = c.editedAt ? ` ${ctx.t('comments-edited')}` : '';
    const n = v.numbers.get(c.id) ?? 0;
    return `${ctx.t('comments-item', { n, author: authorName(c), time: formatLocal(c.createdAt, zone) })}${edited}`;
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
