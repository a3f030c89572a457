import { type Em, executeStatement } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import { isStorableText } from '../../platform/storable-text.js';
import type { RemindBefore, TaskStatus } from './task.entities.js';
import { type PartyView, type TaskView, toPartyView } from './tasks.js';

/**
 * The task lists: GET /tasks (pages of full tasks) and the bot's list (summaries of every task).
 * Both are hand-written SQL read as plain rows: a list is read far more often than anything else
 * of a task, and hydrating every row (and its owner and assignee) into entities cost several
 * times the query itself (issue 17's profiles). The one filter both use is `filterSql`.
 */

export type TaskListFilter = TaskStatus | 'open';

/** Whose tasks a list shows: the user's own, those assigned to them, or both. */
export const TASK_SCOPES = ['mine', 'assigned', 'all'] as const;
export type TaskScope = (typeof TASK_SCOPES)[number];

export interface TaskPage {
  items: TaskView[];
  nextCursor: string | null;
}

/** At most this many words of a search are used (each must occur in the title). */
export const SEARCH_WORDS_MAX = 8;

/** The words of a title search: split at white space, lower-cased, de-duplicated. */
export function searchWords(query: string): string[] {
  const words = query.normalize('NFC').toLowerCase().split(/\s+/u).filter(Boolean);
  return [...new Set(words)].slice(0, SEARCH_WORDS_MAX);
}

const escapeLike = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL conditions over `t` (tasks) and their parameters, joined with `and`. */
class Where {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  get sql(): string {
    return this.conditions.join(' and ');
  }
}

/**
 * The tasks of `userId` in `scope` whose title has every word of `q` (case-insensitive, parts of
 * words too; the trigram index serves it).
 */
function filterSql(userId: string, scope: TaskScope = 'all', q?: string): Where {
  const where = new Where();
  if (scope === 'mine') where.add('t.owner_id = ?', userId);
  else if (scope === 'assigned') where.add('t.assignee_id = ?', userId);
  else where.add('(t.owner_id = ? or t.assignee_id = ?)', userId, userId);
  const words = q ? searchWords(q) : [];
  // No title holds a NUL or an unpaired surrogate (parseTitle refuses them), and a NUL breaks the
  // query itself: a search with such a word (the bot's /find takes any text) matches nothing.
  if (!words.every(isStorableText)) return where.add('false');
  for (const word of words) where.add('t.title ilike ?', `%${escapeLike(word)}%`);
  return where;
}

/** Open tasks are listed by due date: overdue first, then by due date, undated last (newest first). */
const dueOrdered = (status: TaskListFilter | undefined) => status === 'open';

/**
 * Cursors: newest-first lists page by id (`17`); due-ordered ones by due time and id
 * (`d<ms>.<id>`, or `n.<id>` among the undated). Anything else is not a cursor.
 */
export type Cursor = { byDue: false; id: string } | { byDue: true; dueAt: number | null; id: string };

export function parseCursor(cursor: string): Cursor | null {
  if (isRowId(cursor)) return { byDue: false, id: cursor };
  const match = /^(?:d(\d{1,15})|n)\.(\d{1,19})$/.exec(cursor);
  if (!match || !isRowId(match[2] ?? '')) return null;
  return { byDue: true, dueAt: match[1] === undefined ? null : Number(match[1]), id: match[2] as string };
}

export function isCursorFor(cursor: string, status: TaskListFilter | undefined): boolean {
  const parsed = parseCursor(cursor);
  return parsed !== null && parsed.byDue === dueOrdered(status);
}

const PARTY = (alias: string) =>
  ['id', 'username', 'telegram_username', 'display_name', 'first_name', 'telegram_first_name']
    .map((column) => `${alias}.${column} as ${alias}_${column}`)
    .join(', ');

/**
 * A page of the user's tasks. `open` ones come in due-date order (overdue first, undated last,
 * newest first among equals); the other lists newest first. `q`: every word must occur in the
 * title. Keyset-paginated (see parseCursor). One statement, owner and assignee joined.
 */
export async function listTasks(
  em: Em,
  user: { id: string },
  options: {
    status?: TaskListFilter | undefined;
    scope?: TaskScope | undefined;
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TaskPage> {
  const where = filterSql(user.id, options.scope, options.q);
  if (options.status === 'open') where.add(`t.status <> 'done'`);
  else if (options.status) where.add('t.status = ?', options.status);
  const byDue = dueOrdered(options.status);
  const cursor = options.cursor ? parseCursor(options.cursor) : null;
  if (options.cursor && (!cursor || cursor.byDue !== byDue)) {
    throw new DomainError('cursor_invalid', 'Not a cursor returned by this endpoint', {
      field: 'cursor',
      reason: 'bad_cursor',
    });
  }
  if (cursor?.byDue) {
    if (cursor.dueAt === null) where.add('t.due_at is null and t.id < ?', cursor.id);
    else {
      const after = new Date(cursor.dueAt);
      where.add('(t.due_at > ? or (t.due_at = ? and t.id < ?) or t.due_at is null)', after, after, cursor.id);
    }
  } else if (cursor) {
    where.add('t.id < ?', cursor.id);
  }
  const rows = await executeStatement<TaskRow>(
    em,
    `select t.id, t.title, t.description, t.status, t.due_at, t.remind_before, t.tags, t.comment_count,
            t.created_at, t.updated_at, ${PARTY('o')}, ${PARTY('a')}
       from tasks t
       join users o on o.id = t.owner_id
       left join users a on a.id = t.assignee_id
      where ${where.sql}
      order by ${byDue ? 't.due_at asc nulls last, t.id desc' : 't.id desc'}
      limit ?`,
    [...where.params, options.limit + 1],
  );
  const page = rows.slice(0, options.limit).map(taskView);
  const last = page[page.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > options.limit && last) {
    nextCursor = byDue ? `${last.dueAt ? `d${last.dueAt.getTime()}` : 'n'}.${last.id}` : last.id;
  }
  return { items: page, nextCursor };
}

type TaskRow = Record<string, unknown>;

/** A timestamp as the driver gives it (the ORM's connection keeps them as text) → Date. */
const timestamp = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

const text = (value: unknown): string | null => (value == null ? null : String(value));

function partyView(row: TaskRow, alias: 'o' | 'a'): PartyView {
  return toPartyView({
    id: String(row[`${alias}_id`]),
    username: text(row[`${alias}_username`]),
    telegramUsername: text(row[`${alias}_telegram_username`]),
    displayName: text(row[`${alias}_display_name`]),
    firstName: text(row[`${alias}_first_name`]),
    telegramFirstName: text(row[`${alias}_telegram_first_name`]),
  });
}

function taskView(row: TaskRow): TaskView {
  return {
    id: String(row.id),
    owner: partyView(row, 'o'),
    assignee: row.a_id == null ? null : partyView(row, 'a'),
    title: String(row.title),
    description: String(row.description),
    status: row.status as TaskStatus,
    dueAt: row.due_at == null ? null : timestamp(row.due_at),
    remindBefore: (row.remind_before ?? null) as RemindBefore | null,
    tags: [...((row.tags as string[] | null) ?? [])],
    commentCount: Number(row.comment_count),
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  };
}

/** What the bot's list needs of every task of a user, in one query (in list order, at most `max`). */
export interface TaskSummary {
  id: string;
  title: string;
  status: TaskStatus;
  /** The due time in ms since the epoch, or null. */
  dueAt: number | null;
  /** Assigned to the user by someone else (absent: the user's own; kept short, it lives in the session). */
  theirs?: true;
  /** The user's own task, handed to someone. */
  handedOut?: true;
}

/**
 * The list order of SPEC §2.2: open tasks first, by due date (overdue ones come first by
 * themselves), undated last, newest first among equals; then the done ones, newest first. With `q`, only
 * the tasks whose title has every word.
 */
export async function taskSummaries(
  em: Em,
  userId: string,
  max = 500,
  q?: string,
  scope: TaskScope = 'all',
): Promise<TaskSummary[]> {
  const where = filterSql(userId, scope, q);
  const rows = await executeStatement<TaskRow>(
    em,
    `select t.id, t.title, t.status, t.due_at, t.owner_id, t.assignee_id
       from tasks t
      where ${where.sql}
      order by case when t.status = 'done' then 1 else 0 end,
               case when t.status <> 'done' then t.due_at end asc nulls last,
               t.id desc
      limit ?`,
    [...where.params, max],
  );
  return rows.map((t) => ({
    id: String(t.id),
    title: String(t.title),
    status: t.status as TaskStatus,
    dueAt: t.due_at == null ? null : timestamp(t.due_at).getTime(),
    ...(String(t.owner_id) !== userId
      ? { theirs: true as const }
      : t.assignee_id != null
        ? { handedOut: true as const }
        : {}),
  }));
}
