import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { User } from '../users/index.js';
import {
  TASK_DESCRIPTION_MAX,
  TASK_STATUSES,
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
  /** The reminder follows the due date: scheduled or moved (a date), or dropped (null). */
  reminder(taskId: string, dueAt: Date | null): Promise<void>;
}

export interface TaskView {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  dueAt: Date | null;
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

export function nextStatus(status: TaskStatus): TaskStatus {
  return status === 'todo' ? 'in_progress' : status === 'in_progress' ? 'done' : 'todo';
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
  tags?: readonly string[] | undefined;
}

export async function createTask(em: Em, effects: TaskEffects, owner: User, input: CreateTaskInput): Promise<Task> {
  const task = em.create(Task, {
    owner,
    title: parseTitle(input.title),
    description: parseDescription(input.description ?? ''),
    status: input.status ?? 'todo',
    dueAt: checkDueAt(input.dueAt ?? null),
    tags: parseTags(input.tags ?? []),
  });
  await em.flush();
  await effects.changed(owner.id);
  if (task.dueAt && task.status !== 'done') await effects.reminder(task.id, task.dueAt);
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
  const before = { dueAt: task.dueAt?.getTime() ?? null, status: task.status };
  if (patch.title !== undefined) task.title = parseTitle(patch.title);
  if (patch.description !== undefined) task.description = parseDescription(patch.description);
  if (patch.tags !== undefined) task.tags = parseTags(patch.tags);
  if (patch.status !== undefined) task.status = patch.status;
  if (patch.dueAt !== undefined && (patch.dueAt?.getTime() ?? null) !== before.dueAt) {
    task.dueAt = checkDueAt(patch.dueAt);
    task.remindedAt = null;
  }
  await em.flush();
  await effects.changed(owner.id);
  const dueChanged = (task.dueAt?.getTime() ?? null) !== before.dueAt;
  if (dueChanged || task.status !== before.status) {
    await effects.reminder(task.id, task.status === 'done' ? null : (task.dueAt ?? null));
  }
  return task;
}

export async function deleteTask(em: Em, effects: TaskEffects, owner: User, id: string): Promise<void> {
  const task = await getOwnTask(em, owner, id);
  await em.remove(task).flush();
  await effects.changed(owner.id);
  await effects.reminder(id, null);
}

export type TaskListFilter = TaskStatus | 'open';

export interface TaskPage {
  items: TaskView[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated by id; `open` = not done. */
export async function listTasks(
  em: Em,
  owner: User,
  options: { status?: TaskListFilter | undefined; limit: number; cursor?: string | undefined },
): Promise<TaskPage> {
  const where: Record<string, unknown> = { owner };
  if (options.status === 'open') where.status = { $ne: 'done' };
  else if (options.status) where.status = options.status;
  if (options.cursor) where.id = { $lt: options.cursor };
  const rows = await em.find(Task, where, { orderBy: { id: 'desc' }, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(toTaskView),
    nextCursor: rows.length > options.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** What the bot's list needs of every task of a user, in one query (newest first, at most `max`). */
export interface TaskSummary {
  id: string;
  title: string;
  status: TaskStatus;
}

export async function taskSummaries(em: Em, ownerId: string, max = 500): Promise<TaskSummary[]> {
  const rows = await em.find(
    Task,
    { owner: ownerId },
    { fields: ['id', 'title', 'status'], orderBy: { id: 'desc' }, limit: max },
  );
  return rows.map((t) => ({ id: t.id, title: t.title, status: t.status }));
}

export const TASK_STATUS_VALUES = TASK_STATUSES;
