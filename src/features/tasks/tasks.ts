import { QueryOrder, raw } from '@mikro-orm/core';
import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { User } from '../users/index.js';
import {
  REMIND_BEFORE_MS,
  type RemindBefore,
  TASK_DESCRIPTION_MAX,
  TASK_TAG_MAX,
  TASK_TAGS_MAX,
  TASK_TITLE_MAX,
  Task,
  type TaskStatus,
} from './task.entities.js';

/** What follows a change of tasks, outside the database (implemented by the worker side). */
export interface TaskEffects {
  /** Any change of a user's tasks: bumps the version the bot's cached list checks. */
  changed(ownerId: string): Promise<void>;
  /**
   * The reminders follow the task: its due, advance and snoozed reminders are (re)scheduled from
   * the plan, or all dropped (a plan of nulls: done, deleted, no due date). The jobs are derived:
   * each re-checks the task's markers in PostgreSQL, so a stale job sends nothing.
   */
  reminders(plan: ReminderPlan): Promise<void>;
}

/** When a task's reminders are due (see reminderPlan). */
export interface ReminderPlan {
  taskId: string;
  /** The reminder at the due time (null: none). */
  dueAt: Date | null;
  /** The advance reminder: its time and the due time and advance it is for (null: none, or already past). */
  advance: { at: Date; dueAt: Date; before: RemindBefore } | null;
  /** The snoozed reminder (null: none). */
  snoozedUntil: Date | null;
}

/** No reminders at all (a deleted task). */
export const noReminders = (taskId: string): ReminderPlan => ({
  taskId,
  dueAt: null,
  advance: null,
  snoozedUntil: null,
});

/**
 * What a task's reminders should be now: none when done; the due reminder unless it was sent for
 * this due time; the advance one if still ahead and not sent; the snoozed one if set.
 */
export function reminderPlan(task: Task, now = Date.now()): ReminderPlan {
  if (task.status === 'done') return noReminders(task.id);
  const dueAt = task.dueAt ?? null;
  let advance: ReminderPlan['advance'] = null;
  if (dueAt && task.remindBefore && !task.advanceRemindedAt) {
    const at = new Date(dueAt.getTime() - REMIND_BEFORE_MS[task.remindBefore]);
    if (at.getTime() > now) advance = { at, dueAt, before: task.remindBefore };
  }
  return {
    taskId: task.id,
    dueAt: dueAt && !task.remindedAt ? dueAt : null,
    advance,
    snoozedUntil: task.snoozedUntil ?? null,
  };
}

export interface TaskView {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  dueAt: Date | null;
  remindBefore: RemindBefore | null;
  tags: string[];
  commentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toTaskView(task: Task): TaskView {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    dueAt: task.dueAt ?? null,
    remindBefore: task.remindBefore ?? null,
    tags: [...task.tags],
    commentCount: task.commentCount,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}

/**
 * Control characters (C0 and C1; tab and line breaks aside), bidi overrides and isolates, and lone
 * surrogates: PostgreSQL cannot store the last, the driver would turn them into U+FFFD, and
 * the stored text would differ from what was accepted.
 */
export const FORBIDDEN_IN_TEXT = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
const FORBIDDEN = FORBIDDEN_IN_TEXT;
const invalid = (field: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(`${field}_invalid`, message, { field, ...details });

const length = (text: string) => [...text].length;

export function parseTitle(input: string): string {
  const title = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!title) throw invalid('title', 'The title is empty', { reason: 'empty' });
  if (length(title) > TASK_TITLE_MAX) {
    throw invalid('title', `The title is longer than ${TASK_TITLE_MAX} characters`, {
      reason: 'too_long',
      max: TASK_TITLE_MAX,
      length: length(title),
    });
  }
  if (FORBIDDEN.test(title)) throw invalid('title', 'The title contains control characters', { reason: 'control' });
  return title;
}

export function parseDescription(input: string): string {
  const description = input.normalize('NFC').trim();
  if (length(description) > TASK_DESCRIPTION_MAX) {
    throw invalid('description', `The description is longer than ${TASK_DESCRIPTION_MAX} characters`, {
      reason: 'too_long',
      max: TASK_DESCRIPTION_MAX,
      length: length(description),
    });
  }
  if (FORBIDDEN.test(description)) {
    throw invalid('description', 'The description contains control characters', { reason: 'control' });
  }
  return description;
}

/** Tags: up to 10, each 1–32 letters, digits, _ or -; "#" prefixes and duplicates are dropped. */
export function parseTags(input: readonly string[] | string): string[] {
  const raw = typeof input === 'string' ? input.split(/[\s,]+/) : [...input];
  const tags: string[] = [];
  for (const entry of raw) {
    const tag = entry.trim().replace(/^#/, '').toLowerCase();
    if (!tag) continue;
    if (!/^[\p{L}\p{N}_-]+$/u.test(tag) || length(tag) > TASK_TAG_MAX) {
      throw invalid(
        'tags',
        `"${[...tag].slice(0, 40).join('')}" is not a tag (letters, digits, _ and -, up to ${TASK_TAG_MAX})`,
        {
          reason: 'bad_tag',
        },
      );
    }
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > TASK_TAGS_MAX) {
    throw invalid('tags', `At most ${TASK_TAGS_MAX} tags`, { reason: 'too_many', max: TASK_TAGS_MAX });
  }
  return tags;
}

/** Due dates must lie ahead (a reminder for the past would be pointless). */
export function checkDueAt(dueAt: Date | null, now = new Date()): Date | null {
  if (dueAt && dueAt.getTime() <= now.getTime()) {
    throw invalid('dueAt', 'The due date is in the past', { reason: 'past' });
  }
  return dueAt;
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

/**
 * Whether a client-supplied id can be a row id: decimal digits within PostgreSQL's bigint.
 * Anything else is "not found" without a query (a 19-digit number beyond the range would
 * otherwise make PostgreSQL fail the query: a 500 instead of a 404).
 */
export function isId(id: string): boolean {
  return /^\d{1,19}$/.test(id) && BigInt(id) <= BIGINT_MAX;
}

/** A task of this owner; another user's or an unknown id is "not found" (never "forbidden"). */
export async function getOwnTask(em: Em, owner: User, id: string): Promise<Task> {
  const task = isId(id) ? await em.findOne(Task, { id, owner }) : null;
  if (!task) throw new DomainError('not_found', 'No such task');
  return task;
}

export interface CreateTaskInput {
  title: string;
  description?: string | undefined;
  status?: TaskStatus | undefined;
  dueAt?: Date | null | undefined;
  remindBefore?: RemindBefore | null | undefined;
  tags?: readonly string[] | undefined;
}

export async function createTask(em: Em, effects: TaskEffects, owner: User, input: CreateTaskInput): Promise<Task> {
  const task = em.create(Task, {
    owner,
    title: parseTitle(input.title),
    description: parseDescription(input.description ?? ''),
    status: input.status ?? 'todo',
    dueAt: checkDueAt(input.dueAt ?? null),
    remindBefore: input.remindBefore ?? null,
    tags: parseTags(input.tags ?? []),
  });
  await em.flush();
  await effects.changed(owner.id);
  if (task.dueAt && task.status !== 'done') await effects.reminders(reminderPlan(task));
  return task;
}

export type TaskPatch = Partial<CreateTaskInput>;

export async function updateTask(
  em: Em,
  effects: TaskEffects,
  owner: User,
  id: string,
  patch: TaskPatch,
): Promise<Task> {
  const task = await getOwnTask(em, owner, id);
  const before = { dueAt: task.dueAt?.getTime() ?? null, status: task.status, remindBefore: task.remindBefore ?? null };
  // Every field is checked before anything changes: one invalid field changes nothing.
  const title = patch.title !== undefined ? parseTitle(patch.title) : undefined;
  const description = patch.description !== undefined ? parseDescription(patch.description) : undefined;
  const tags = patch.tags !== undefined ? parseTags(patch.tags) : undefined;
  const dueMoves = patch.dueAt !== undefined && (patch.dueAt?.getTime() ?? null) !== before.dueAt;
  const dueAt = dueMoves ? checkDueAt(patch.dueAt ?? null) : undefined;
  if (title !== undefined) task.title = title;
  if (description !== undefined) task.description = description;
  if (tags !== undefined) task.tags = tags;
  if (patch.status !== undefined) task.status = patch.status;
  if (dueAt !== undefined) {
    // A new due time gets its reminders afresh; a snooze of the old one is dropped.
    task.dueAt = dueAt;
    task.remindedAt = null;
    task.advanceRemindedAt = null;
    task.snoozedUntil = null;
  }
  if (patch.remindBefore !== undefined && patch.remindBefore !== before.remindBefore) {
    task.remindBefore = patch.remindBefore;
    task.advanceRemindedAt = null;
  }
  // Done ends a snooze; reopening does not bring it back.
  if (task.status === 'done') task.snoozedUntil = null;
  await em.flush();
  await effects.changed(owner.id);
  const dueChanged = (task.dueAt?.getTime() ?? null) !== before.dueAt;
  if (dueChanged || task.status !== before.status || (task.remindBefore ?? null) !== before.remindBefore) {
    await effects.reminders(reminderPlan(task));
  }
  return task;
}

export async function deleteTask(em: Em, effects: TaskEffects, owner: User, id: string): Promise<void> {
  const task = await getOwnTask(em, owner, id);
  await em.remove(task).flush();
  await effects.changed(owner.id);
  await effects.reminders(noReminders(id));
}

/**
 * Snoozes a task's reminder until `until`: one more reminder then, exactly once (the job that
 * sends it clears `snoozedUntil`). A done task is not snoozed; it is returned as it is.
 */
export async function snoozeTask(em: Em, effects: TaskEffects, owner: User, id: string, until: Date): Promise<Task> {
  const task = await getOwnTask(em, owner, id);
  if (task.status === 'done') return task;
  task.snoozedUntil = until;
  await em.flush();
  await effects.reminders(reminderPlan(task));
  return task;
}

export type TaskListFilter = TaskStatus | 'open';

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

/** The condition "every word occurs in the title" (case-insensitive; the trigram index serves it). */
function titleHas(words: string[]): Record<string, unknown>[] {
  return words.map((word) => ({ title: { $ilike: `%${escapeLike(word)}%` } }));
}

/** Open tasks are listed by due date: overdue first, then by due date, undated last (newest first). */
const dueOrdered = (status: TaskListFilter | undefined) => status === 'open';

/**
 * Cursors: newest-first lists page by id (`17`); due-ordered ones by due time and id
 * (`d<ms>.<id>`, or `n.<id>` among the undated). Anything else is not a cursor.
 */
export type Cursor = { byDue: false; id: string } | { byDue: true; dueAt: number | null; id: string };

export function parseCursor(cursor: string): Cursor | null {
  if (isId(cursor)) return { byDue: false, id: cursor };
  const match = /^(?:d(\d{1,15})|n)\.(\d{1,19})$/.exec(cursor);
  if (!match || !isId(match[2] ?? '')) return null;
  return { byDue: true, dueAt: match[1] === undefined ? null : Number(match[1]), id: match[2] as string };
}

export function isCursorFor(cursor: string, status: TaskListFilter | undefined): boolean {
  const parsed = parseCursor(cursor);
  return parsed !== null && parsed.byDue === dueOrdered(status);
}

/**
 * A page of the owner's tasks. `open` ones come in due-date order (overdue first, undated last,
 * newest first among equals); the other lists newest first. `q`: every
 * word must occur in the title. Keyset-paginated (see parseCursor).
 */
export async function listTasks(
  em: Em,
  owner: User,
  options: {
    status?: TaskListFilter | undefined;
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<TaskPage> {
  const and: Record<string, unknown>[] = [{ owner }];
  if (options.status === 'open') and.push({ status: { $ne: 'done' } });
  else if (options.status) and.push({ status: options.status });
  if (options.q) and.push(...titleHas(searchWords(options.q)));
  const byDue = dueOrdered(options.status);
  const cursor = options.cursor ? parseCursor(options.cursor) : null;
  if (options.cursor && (!cursor || cursor.byDue !== byDue)) {
    throw invalid('cursor', 'Not a cursor returned by this endpoint', { reason: 'bad_cursor' });
  }
  if (cursor?.byDue) {
    and.push(
      cursor.dueAt === null
        ? { dueAt: null, id: { $lt: cursor.id } }
        : {
            $or: [
              { dueAt: { $gt: new Date(cursor.dueAt) } },
              { dueAt: new Date(cursor.dueAt), id: { $lt: cursor.id } },
              { dueAt: null },
            ],
          },
    );
  } else if (cursor) {
    and.push({ id: { $lt: cursor.id } });
  }
  const rows = await em.find(
    Task,
    { $and: and },
    {
      orderBy: byDue ? [{ dueAt: QueryOrder.ASC_NULLS_LAST }, { id: QueryOrder.DESC }] : { id: QueryOrder.DESC },
      limit: options.limit + 1,
    },
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > options.limit && last) {
    nextCursor = byDue ? `${last.dueAt ? `d${last.dueAt.getTime()}` : 'n'}.${last.id}` : last.id;
  }
  return { items: page.map(toTaskView), nextCursor };
}

/** What the bot's list needs of every task of a user, in one query (in list order, at most `max`). */
export interface TaskSummary {
  id: string;
  title: string;
  status: TaskStatus;
  /** The due time in ms since the epoch, or null. */
  dueAt: number | null;
}

/**
 * The list order of SPEC §2.2: open tasks first, by due date (overdue ones come first by
 * themselves), undated last, newest first among equals; then the done ones, newest first. With `q`, only
 * the tasks whose title has every word.
 */
export async function taskSummaries(em: Em, ownerId: string, max = 500, q?: string): Promise<TaskSummary[]> {
  const where: Record<string, unknown> = { owner: ownerId };
  if (q) where.$and = titleHas(searchWords(q));
  const rows = await em.find(Task, where, {
    fields: ['id', 'title', 'status', 'dueAt'],
    orderBy: [
      { [raw(`case when status = 'done' then 1 else 0 end`)]: QueryOrder.ASC },
      { [raw(`case when status <> 'done' then due_at end`)]: QueryOrder.ASC_NULLS_LAST },
      { id: QueryOrder.DESC },
    ],
    limit: max,
  });
  return rows.map((t) => ({
    id: t.id,
    title: t.title,
    status: t.status,
    dueAt: t.dueAt ? new Date(t.dueAt).getTime() : null,
  }));
}
