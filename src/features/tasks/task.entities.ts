import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';

export const TASK_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 4000;
export const TASK_TAGS_MAX = 10;
export const TASK_TAG_MAX = 32;
export const COMMENT_TEXT_MAX = 2000;
/** How long before the due time an advance reminder comes (ISO 8601 durations, as the API names them). */
export const REMIND_BEFORE = ['PT1H', 'P1D'] as const;
export type RemindBefore = (typeof REMIND_BEFORE)[number];
export const REMIND_BEFORE_MS: Record<RemindBefore, number> = { PT1H: 3_600_000, P1D: 86_400_000 };

/**
 * A task of one user (SPEC §2.2, §2.2.1, §3.4), possibly assigned to another. The owner and the
 * assignee see it; the assignee changes its status and comments; only the owner changes the rest.
 */
const TaskSchema = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  indexes: [
    { name: 'tasks_owner_idx', properties: ['owner', 'id'] },
    { name: 'tasks_owner_status_idx', properties: ['owner', 'status', 'id'] },
    // "Assigned to me" (the bot's list, GET /tasks?scope=assigned).
    { name: 'tasks_assignee_idx', properties: ['assignee', 'id'] },
    // Open tasks by due date (the bot's list, GET /tasks?status=open).
    {
      name: 'tasks_owner_open_due_idx',
      expression:
        'create index "tasks_owner_open_due_idx" on "tasks" ("owner_id", "due_at", "id") where "status" <> \'done\'',
    },
    // The reminder sweep (jobs/reminder-sweep.ts, issue 18): owed due, advance and snoozed reminders by time.
    {
      name: 'tasks_unreminded_due_idx',
      expression:
        'create index "tasks_unreminded_due_idx" on "tasks" ("due_at") where "status" <> \'done\' and "reminded_at" is null',
    },
    {
      name: 'tasks_unreminded_advance_idx',
      expression:
        'create index "tasks_unreminded_advance_idx" on "tasks" ("due_at") where "status" <> \'done\' and "remind_before" is not null and "advance_reminded_at" is null',
    },
    {
      name: 'tasks_snoozed_idx',
      expression:
        'create index "tasks_snoozed_idx" on "tasks" ("snoozed_until") where "status" <> \'done\' and "snoozed_until" is not null',
    },
    // Title search by words (ILIKE '%word%'); created only where pg_trgm exists (see the migration).
    {
      name: 'tasks_title_trgm_idx',
      expression: 'create index "tasks_title_trgm_idx" on "tasks" using gin ("title" gin_trgm_ops)',
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    owner: () => p.manyToOne(User).deleteRule('cascade'),
    /** Whom the owner handed the task to; a deleted assignee leaves the task with its owner. */
    assignee: () => p.manyToOne(User).nullable().deleteRule('set null'),
    title: p.string().length(TASK_TITLE_MAX),
    description: p.text().default(''),
    status: p.enum(TASK_STATUSES).default('todo'),
    dueAt: p.datetime().nullable(),
    tags: p.array().columnType('text[]').default([]),
    /** Kept in step by the comment use cases, so lists and cards need no COUNT. */
    commentCount: p.integer().default(0),
    /** When the reminder for the current dueAt was sent; reset when dueAt changes. */
    remindedAt: p.datetime().nullable(),
    /** An advance reminder this long before the due time, or none. */
    remindBefore: p.enum(REMIND_BEFORE).nullable(),
    /** When the advance reminder for the current dueAt and remindBefore was sent; reset when either changes. */
    advanceRemindedAt: p.datetime().nullable(),
    /** A snoozed reminder is due then; the job that sends it clears it (so it comes once). */
    snoozedUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task);

/** A comment on a task; only its author edits or deletes it. */
const CommentSchema = defineEntity({
  name: 'Comment',
  tableName: 'comments',
  indexes: [{ name: 'comments_task_idx', properties: ['task', 'id'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    task: () => p.manyToOne(Task).deleteRule('cascade'),
    author: () => p.manyToOne(User).deleteRule('cascade'),
    text: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    editedAt: p.datetime().nullable(),
  },
});
export class Comment extends CommentSchema.class {}
CommentSchema.setClass(Comment);

export const TASK_NOTICE_KINDS = ['assigned', 'unassigned', 'status', 'comment'] as const;

/**
 * A shared-task notice owed to one participant (SPEC §2.2.1, issue 18): recorded when the change
 * is stored, sent by the worker (jobs/notices.ts), which claims `sent_at` in one UPDATE before
 * sending, so a Telegram outage delays it and a retried or re-queued job never sends it twice.
 * What it says (title, status, comment) is kept as it was at the change. Folded notices (a second
 * status or comment notice for the same task and recipient within a minute) are never recorded.
 * (Un)assignments beyond the first few from one owner to one person within a minute are recorded
 * `folded`: not sent one by one, but claimed together by that minute's summary ("assigned you N
 * more tasks", jobs/notices.ts).
 */
const TaskNoticeSchema = defineEntity({
  name: 'TaskNotice',
  tableName: 'task_notices',
  indexes: [
    // The notice sweep (jobs/notice-sweep.ts): owed notices by age; sent and given-up ones leave the index.
    {
      name: 'task_notices_owed_idx',
      expression:
        'create index "task_notices_owed_idx" on "task_notices" ("created_at") where "sent_at" is null and "given_up_at" is null',
    },
    // A burst's summary claims the folded notices of one owner to one recipient.
    {
      name: 'task_notices_folded_idx',
      expression:
        'create index "task_notices_folded_idx" on "task_notices" ("recipient_id", "by_id") where "folded" and "sent_at" is null and "given_up_at" is null',
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    task: () => p.manyToOne(Task).deleteRule('cascade'),
    recipient: () => p.manyToOne(User).deleteRule('cascade'),
    by: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.enum(TASK_NOTICE_KINDS),
    title: p.string().length(TASK_TITLE_MAX),
    status: p.enum(TASK_STATUSES),
    /** A comment notice's comment. */
    text: p.text().nullable(),
    /** Part of a burst of (un)assignments: told in its summary, not on its own. */
    folded: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Claimed by the job that sends it (null: still owed, unless given up). */
    sentAt: p.datetime().nullable(),
    /**
     * Still unsent a day after the change (NOTICE_MAX_AGE_MS): stale news, never sent; kept so an
     * operator can count them.
     */
    givenUpAt: p.datetime().nullable(),
  },
});
export class TaskNotice extends TaskNoticeSchema.class {}
TaskNoticeSchema.setClass(TaskNotice);
