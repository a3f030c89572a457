import { type Em, entityColumns, executeStatement, mapRow, rowPart } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import { isRedisUnavailable } from '../../platform/outages.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { characterCount } from '../../platform/telegram/entities.js';
import { userReachableById } from '../chat/index.js';
import { blocks, chosenName, findByHandle, handleOf, User } from '../users/index.js';
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

/**
 * What follows a change of tasks, outside the database (implemented by the worker side). They run
 * after the change is committed and do not fail it because Redis is away (issue 18): the change
 * is stored, and what they could not do is made good later (see createTaskEffects).
 */
export interface TaskEffects {
  /**
   * Any change of a task: bumps the version the bot's cached list checks, of every user named
   * (the owner and the assignee, and a replaced assignee: each one's list shows the task).
   */
  changed(...userIds: (string | null | undefined)[]): Promise<void>;
  /**
   * Tells the other participant of a shared task what happened (SPEC §2.2.1): over the WebSocket
   * when they are connected, else in Telegram. Status and comment notices are folded to one per
   * task and recipient per minute; (un)assignments go out at once, but a burst of them from one
   * owner to one person is folded into one summary a minute (jobs/notices.ts).
   */
  notify(notice: TaskNotice): Promise<TaskNoticeOutcome>;
  /**
   * The reminders follow the task: its due, advance and snoozed reminders are (re)scheduled from
   * the plan, or all dropped (a plan of nulls: done, deleted, no due date). The jobs are derived:
   * each re-checks the task's markers in PostgreSQL, so a stale job sends nothing.
   */
  reminders(plan: ReminderPlan): Promise<void>;
}

export type TaskNoticeKind = 'assigned' | 'unassigned' | 'status' | 'comment';

/** What one participant of a shared task did, for the other one. */
export interface TaskNotice {
  kind: TaskNoticeKind;
  taskId: string;
  title: string;
  status: TaskStatus;
  by: User;
  to: User;
  /** A comment's text (comment notices). */
  text?: string;
}

/** 'folded': a notice for this task reached them less than a minute ago; 'none': they cannot be reached. */
export type TaskNoticeOutcome = 'websocket' | 'telegram' | 'folded' | 'none';

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

/** Whether the advance reminder `before` a due time is still to come (none is sent for a moment past). */
export const advanceAhead = (dueAt: Date, before: RemindBefore, now = Date.now()): boolean =>
  dueAt.getTime() - REMIND_BEFORE_MS[before] > now;

/**
 * What a task's reminders should be now: none when done; the due reminder unless it was sent for
 * this due time; the advance one if still ahead and not sent; the snoozed one if set.
 */
export function reminderPlan(task: Task, now = Date.now()): ReminderPlan {
  if (task.status === 'done') return noReminders(task.id);
  const dueAt = task.dueAt ?? null;
  let advance: ReminderPlan['advance'] = null;
  if (dueAt && task.remindBefore && !task.advanceRemindedAt && advanceAhead(dueAt, task.remindBefore, now)) {
    advance = { at: new Date(dueAt.getTime() - REMIND_BEFORE_MS[task.remindBefore]), dueAt, before: task.remindBefore };
  }
  return {
    taskId: task.id,
    dueAt: dueAt && !task.remindedAt ? dueAt : null,
    advance,
    snoozedUntil: task.snoozedUntil ?? null,
  };
}

/** A participant of a task as others see them (the same shape as a comment's author). */
export interface PartyView {
  id: string;
  username: string | null;
  firstName: string | null;
}

/** The columns of a user a task shows (a User, or a row read with the list). */
export type PartyFields = Pick<
  User,
  'id' | 'username' | 'telegramUsername' | 'displayName' | 'firstName' | 'telegramFirstName'
>;

export function toPartyView(user: PartyFields): PartyView {
  return {
    id: user.id,
    username: user.username ?? user.telegramUsername ?? null,
    firstName: chosenName(user),
  };
}

export interface TaskView {
  id: string;
  owner: PartyView;
  assignee: PartyView | null;
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
    owner: toPartyView(task.owner),
    assignee: task.assignee ? toPartyView(task.assignee) : null,
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

export function parseTitle(input: string): string {
  const title = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!title) throw invalid('title', 'The title is empty', { reason: 'empty' });
  if (characterCount(title) > TASK_TITLE_MAX) {
    throw invalid('title', `The title is longer than ${TASK_TITLE_MAX} characters`, {
      reason: 'too_long',
      max: TASK_TITLE_MAX,
      length: characterCount(title),
    });
  }
  if (FORBIDDEN.test(title)) throw invalid('title', 'The title contains control characters', { reason: 'control' });
  return title;
}

export function parseDescription(input: string): string {
  const description = input.normalize('NFC').trim();
  if (characterCount(description) > TASK_DESCRIPTION_MAX) {
    throw invalid('description', `The description is longer than ${TASK_DESCRIPTION_MAX} characters`, {
      reason: 'too_long',
      max: TASK_DESCRIPTION_MAX,
      length: characterCount(description),
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
    if (!/^[\p{L}\p{N}_-]+$/u.test(tag) || characterCount(tag) > TASK_TAG_MAX) {
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

const notFound = () => new DomainError('not_found', 'No such task');

/** How a user stands to a task: its owner, its assignee, or nobody (who gets "not found"). */
export type TaskRole = 'owner' | 'assignee';

export function roleOf(task: Task, user: Pick<User, 'id'>): TaskRole | null {
  if (task.owner.id === user.id) return 'owner';
  if (task.assignee?.id === user.id) return 'assignee';
  return null;
}

/** Everyone whose list shows the task (whose tasks version a change of it bumps). */
export const participants = (task: Task): string[] =>
  task.assignee ? [task.owner.id, task.assignee.id] : [task.owner.id];

/**
 * A task this user may see: theirs, or assigned to them; anyone else's or an unknown id is
 * "not found" (never "forbidden": a stranger learns nothing). One query: the owner and the
 * assignee come joined, as the card and the API show them.
 */
export async function getVisibleTask(em: Em, user: Pick<User, 'id'>, id: string): Promise<Task> {
  if (!isRowId(id)) throw notFound();
  // One prepared statement, its rows made entities: the ORM's findOne with both users populated
  // spent most of a bot card's CPU building the query and hydrating it (issue 17). By the user's
  // id: the caller may hold the user as plain data (the bot's sender, ctx.profile). Entities the
  // EntityManager already holds are kept as they are, as findOne keeps them (mapRow).
  const [row] = await executeStatement(em, visibleTaskSql(em), [id, user.id, user.id]);
  if (!row) throw notFound();
  mapRow(em, User, rowPart(row, 'o__'));
  if (row.a__id != null) mapRow(em, User, rowPart(row, 'a__'));
  return mapRow(em, Task, rowPart(row, 't__'));
}

let visibleTask: string | undefined;
function visibleTaskSql(em: Em): string {
  visibleTask ??= `select ${entityColumns(em, Task, 't', 't__')}, ${entityColumns(em, User, 'o', 'o__')}, ${entityColumns(em, User, 'a', 'a__')}
    from tasks t join users o on o.id = t.owner_id left join users a on a.id = t.assignee_id
    where t.id = ? and (t.owner_id = ? or t.assignee_id = ?)`;
  return visibleTask;
}

/** A task of this owner; the assignee's and anyone else's is "not found" (the owner-only actions). */
export async function getOwnTask(em: Em, owner: User, id: string): Promise<Task> {
  const task = await getVisibleTask(em, owner, id);
  if (roleOf(task, owner) !== 'owner') throw notFound();
  return task;
}

/** The other participant of a shared task, who hears of what `actor` did (null: not shared). */
export function otherParticipant(task: Task, actor: User): User | null {
  const role = roleOf(task, actor);
  if (role === 'owner') return task.assignee ?? null;
  if (role === 'assignee') return task.owner;
  return null;
}

export interface CreateTaskInput {
  title: string;
  description?: string | undefined;
  status?: TaskStatus | undefined;
  dueAt?: Date | null | undefined;
  remindBefore?: RemindBefore | null | undefined;
  tags?: readonly string[] | undefined;
  /** Whom to hand the task to (SPEC §2.2.1): a username, or a user picked by id; null: nobody. */
  assignee?: AssigneeRef | undefined;
}

/** What creating a task needs: its effects, and the limiter that counts new tasks (WRITE_LIMITS). */
export interface TaskWriteDeps {
  effects: TaskEffects;
  limiter: WriteLimiter;
}

export async function createTask(em: Em, deps: TaskWriteDeps, owner: User, input: CreateTaskInput): Promise<Task> {
  // The fields first (no I/O): a refused title does not use up the limit.
  const fields = {
    title: parseTitle(input.title),
    description: parseDescription(input.description ?? ''),
    status: input.status ?? 'todo',
    dueAt: checkDueAt(input.dueAt ?? null),
    remindBefore: input.remindBefore ?? null,
    tags: parseTags(input.tags ?? []),
  };
  // Counted before the assignee is looked up, so probing handles by assigning is limited too.
  await countWrite(deps.limiter, 'task', owner.id);
  // A bad assignee creates nothing.
  const assignee = input.assignee != null ? await findAssignee(em, owner, input.assignee) : null;
  const task = em.create(Task, { owner, ...fields, assignee });
  await em.flush();
  const { effects } = deps;
  await effects.changed(owner.id, assignee?.id);
  if (task.dueAt && task.status !== 'done') await effects.reminders(reminderPlan(task));
  if (assignee) await tell(em, effects, noticeOf(task, 'assigned', owner, assignee));
  return task;
}

export type TaskPatch = Partial<CreateTaskInput>;

/** What the assignee may change; any other field in their patch is "not found", like a stranger's. */
const ASSIGNEE_MAY: ReadonlySet<string> = new Set(['status']);

/**
 * Changes a task: the owner anything (the assignee too, see assignTask), the assignee its status
 * only. A status change tells the other participant (folded, see TaskEffects.notify).
 */
export async function updateTask(
  em: Em,
  effects: TaskEffects,
  user: User,
  id: string,
  patch: TaskPatch,
): Promise<Task> {
  const task = await getVisibleTask(em, user, id);
  const role = roleOf(task, user);
  const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
  if (role !== 'owner' && fields.some(([k]) => !ASSIGNEE_MAY.has(k))) throw notFound();
  // The assignee is resolved (and refused) before anything changes.
  const assignee = patch.assignee !== undefined ? await resolveAssignment(em, task, user, patch.assignee) : undefined;
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
  const previous = task.assignee ?? null;
  const reassigned = assignee !== undefined && (assignee?.id ?? null) !== (previous?.id ?? null);
  if (reassigned) task.assignee = assignee;
  await em.flush();
  await effects.changed(...participants(task), previous?.id);
  if (reassigned) await announceAssignment(em, effects, task, user, previous);
  if (task.status !== before.status) {
    const other = otherParticipant(task, user);
    if (other) await tell(em, effects, noticeOf(task, 'status', user, other));
  }
  const dueChanged = (task.dueAt?.getTime() ?? null) !== before.dueAt;
  if (dueChanged || task.status !== before.status || (task.remindBefore ?? null) !== before.remindBefore) {
    await effects.reminders(reminderPlan(task));
  }
  return task;
}

/** A username (as typed or sent over HTTP) or a user picked from a list (by id). */
export type AssigneeRef = string | { id: string } | null;

/**
 * The user a task may be handed to: known, not banned, not the owner themself, and not someone who
 * blocked the owner (refusesTasksFrom). Someone who never started the bot may be assigned (they
 * follow the task over HTTP); `canReachInTelegram` says so. A bad assignee is `assignee_invalid`
 * with a reason (unknown, self, banned, blocked). `current`: the task's assignee now, who keeps it
 * whatever they blocked since (naming them again hands them nothing new).
 */
export async function findAssignee(
  em: Em,
  owner: User,
  ref: string | { id: string },
  current?: string | null,
): Promise<User> {
  const user =
    typeof ref === 'string'
      ? await findByHandle(em, ref, { banned: true })
      : await userReachableById(em, owner.id, ref.id);
  const shown = typeof ref === 'string' ? ref.trim().replace(/^@/, '').slice(0, 40) : ref.id;
  if (!user) {
    throw invalid('assignee', `No Gramdesk user @${shown}`, { reason: 'unknown' });
  }
  if (user.id === owner.id) {
    throw invalid('assignee', 'A task cannot be assigned to its owner', { reason: 'self' });
  }
  if (user.status === 'banned') {
    throw invalid('assignee', `@${shown} cannot be assigned tasks`, { reason: 'banned' });
  }
  if (user.id !== current && (await refusesTasksFrom(em, user.id, owner.id))) {
    // Honest, as the chat's refusal of a PM is: the owner learns the task cannot go to them, no more.
    const name = handleOf(user);
    throw invalid('assignee', `${name} does not accept tasks from you`, { reason: 'blocked', name });
  }
  return user;
}

/**
 * Blocking a person (features/users/blocks.ts) in shared tasks: whether `personId` hears nothing
 * more from `fromId` here. The one rule every path asks — the assignee refused (findAssignee),
 * the notices (tell, and the worker again before it sends: jobs/notices.ts), the reminders of the
 * blocked person's tasks (jobs/reminders.ts).
 *
 * What the block does to tasks the blocked person had already handed to the blocker: they stay
 * assigned and in the blocker's "Assigned to me" — a block is silent and takes nothing away, so
 * the blocker can still open, finish or comment on them, and the blocked owner still sees their
 * own task. What stops is everything those tasks would send: the owner's notices (assigned,
 * taken back, status, comment) and the tasks' reminders to the blocker. Reminders stop too because
 * their timing and words are the owner's: the due date and title are the owner's to change, so a
 * reminder that still came would let the blocked person ping the blocker whenever they like —
 * and a flood of junk tasks, the usual reason to block, would go on reminding. The blocker's own
 * tasks keep all their reminders, whoever they blocked; unblocking brings the rest back.
 */
export function refusesTasksFrom(em: Em, personId: string, fromId: string): Promise<boolean> {
  return blocks(em, personId, fromId);
}

/** Tells `notice.to` what `notice.by` did (TaskEffects.notify), unless they refuse it (refusesTasksFrom). */
async function tell(em: Em, effects: TaskEffects, notice: TaskNotice): Promise<void> {
  if (await refusesTasksFrom(em, notice.to.id, notice.by.id)) return;
  await effects.notify(notice);
}

/**
 * Writes one user may make a minute (SPEC §3: 429 rate_limited with Retry-After): new tasks and
 * new comments. Far above what a person types (a dialog takes several messages per task), so only
 * a script meets them: they keep one account from filling the database, and the people it shares
 * tasks with from its notices.
 */
export const WRITE_LIMITS = {
  task: { count: 60, windowSeconds: 60 },
  comment: { count: 60, windowSeconds: 60 },
} as const;
export type LimitedWrite = keyof typeof WRITE_LIMITS;

/** The part of the shared limiter (services.limiter) a write needs. */
export type WriteLimiter = Pick<RateLimiter, 'hit'>;

/**
 * Counts one write of `what` by the user; over the limit → 429 rate_limited with `retryAfter`
 * seconds. A limit that cannot be counted because Redis is away lets the write through: a change
 * is never refused for an outage (issue 18), and the outage is reported where Redis is used next.
 */
export async function countWrite(limiter: WriteLimiter, what: LimitedWrite, userId: string): Promise<void> {
  const limit = WRITE_LIMITS[what];
  let decision: Awaited<ReturnType<WriteLimiter['hit']>>;
  try {
    decision = await limiter.hit(`${what}s:${userId}`, limit.count, limit.windowSeconds);
  } catch (err) {
    if (isRedisUnavailable(err)) return;
    throw err;
  }
  if (!decision.allowed) {
    const noun = what === 'task' ? 'new tasks' : 'comments';
    throw new DomainError('rate_limited', `At most ${limit.count} ${noun} per minute`, {
      retryAfter: decision.retryAfter,
      limit: limit.count,
    });
  }
}

/** Whether Telegram notices can reach the user (they started the bot and did not block it). */
export const canReachInTelegram = (user: User) => user.telegramId != null && !user.botBlocked;

async function resolveAssignment(em: Em, task: Task, user: User, ref: AssigneeRef): Promise<User | null> {
  // Only the owner hands a task on (updateTask refused the assignee's patch already).
  if (roleOf(task, user) !== 'owner') throw notFound();
  return ref === null ? null : findAssignee(em, user, ref, task.assignee?.id ?? null);
}

function noticeOf(task: Task, kind: TaskNoticeKind, by: User, to: User, text?: string): TaskNotice {
  return { kind, taskId: task.id, title: task.title, status: task.status, by, to, ...(text ? { text } : {}) };
}

/** The new assignee hears they got the task, a replaced one that they no longer have it. */
async function announceAssignment(
  em: Em,
  effects: TaskEffects,
  task: Task,
  by: User,
  previous: User | null,
): Promise<void> {
  if (task.assignee) await tell(em, effects, noticeOf(task, 'assigned', by, task.assignee));
  if (previous) await tell(em, effects, noticeOf(task, 'unassigned', by, previous));
}

/** Tells the other participant of a shared task about a comment `author` added (folded). */
export async function noticeComment(
  em: Em,
  effects: TaskEffects,
  task: Task,
  author: User,
  text: string,
): Promise<void> {
  const other = otherParticipant(task, author);
  if (other) await tell(em, effects, noticeOf(task, 'comment', author, other, text));
}

/**
 * The bot's 👤 Assign: hands the task on, or takes it back (null). `expected` is the assignee the
 * pressed button was shown for (null: none): if the task was reassigned since, nothing changes
 * (`assignee_changed`) and the owner sees the task as it is now.
 */
export async function assignTask(
  em: Em,
  effects: TaskEffects,
  owner: User,
  id: string,
  ref: AssigneeRef,
  expected?: string | null,
): Promise<Task> {
  const task = await getOwnTask(em, owner, id);
  if (expected !== undefined && (task.assignee?.id ?? null) !== expected) {
    throw new DomainError('assignee_changed', 'The task was reassigned meanwhile', { field: 'assignee' });
  }
  return updateTask(em, effects, owner, id, { assignee: ref });
}

export async function deleteTask(em: Em, effects: TaskEffects, owner: User, id: string): Promise<void> {
  const task = await getOwnTask(em, owner, id);
  const users = participants(task);
  await em.remove(task).flush();
  await effects.changed(...users);
  await effects.reminders(noReminders(id));
}

/**
 * Snoozes a task's reminder until `until`: one more reminder then, exactly once (the job that
 * sends it clears `snoozedUntil`). A done task is not snoozed; it is returned as it is.
 */
export async function snoozeTask(em: Em, effects: TaskEffects, user: User, id: string, until: Date): Promise<Task> {
  // The assignee gets the reminders too, so they may snooze them (for both: one task, one snooze).
  const task = await getVisibleTask(em, user, id);
  if (task.status === 'done') return task;
  task.snoozedUntil = until;
  await em.flush();
  await effects.reminders(reminderPlan(task));
  return task;
}
