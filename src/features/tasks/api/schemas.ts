import { z } from '@hono/zod-openapi';
import { isoString } from '../../../platform/time/iso-string.js';
import type { CommentView } from '../comments.js';
import {
  COMMENT_TEXT_MAX,
  REMIND_BEFORE,
  TASK_DESCRIPTION_MAX,
  TASK_STATUSES,
  TASK_TAG_MAX,
  TASK_TAGS_MAX,
  TASK_TITLE_MAX,
} from '../task.entities.js';
import type { TaskView } from '../tasks.js';

/**
 * Shapes of SPEC §3.4. Request bodies check types and unknown fields only; the limits that need
 * more than a type (lengths in characters after normalisation, control characters, tag syntax,
 * due dates in the past) are checked by the domain — the same rules the bot applies — and
 * reported in the same 422 validation_failed shape. They are documented here.
 */

const id = (description: string, example: string) =>
  z.string().openapi({ description: `${description} (a decimal string)`, example });
const time = (description: string, example: string) =>
  z.iso.datetime().openapi({ description: `${description}; ISO 8601, UTC`, example });

export const TaskStatusSchema = z
  .enum(TASK_STATUSES)
  .openapi('TaskStatus', { description: 'todo → in_progress → done', example: 'todo' });

export const RemindBeforeSchema = z
  .enum(REMIND_BEFORE)
  .nullable()
  .openapi('RemindBefore', {
    description:
      'An advance reminder before the due time: `PT1H` one hour, `P1D` one day (ISO 8601 durations), or null: ' +
      'only the reminder at the due time',
    example: 'PT1H',
  });

const party = () =>
  z.object({
    id: id('User id', '42'),
    username: z.string().nullable().openapi({ example: 'ann_lee' }),
    firstName: z.string().nullable().openapi({ example: 'Ann' }),
  });
export const TaskPartySchema = party().openapi('TaskParty', { description: 'The owner or the assignee of a task' });

export const TaskWarningSchema = z
  .object({
    code: z.enum(['assignee_not_in_telegram']).openapi({ example: 'assignee_not_in_telegram' }),
    message: z
      .string()
      .openapi({ example: 'ann_lee has not started the Telegram bot: no Telegram notices or reminders' }),
  })
  .openapi('TaskWarning');

export const TaskSchema = z
  .object({
    id: id('Task id', '17'),
    owner: TaskPartySchema.openapi({ description: 'Who created the task; only they change more than its status' }),
    // Inline rather than a nullable $ref to TaskParty: the generator renders that as an allOf that
    // loses the null (and the linter then rejects `assignee: null` in the examples).
    assignee: party().nullable().openapi({
      description: 'Whom the owner handed the task to (they see it, change its status and comment), or null',
    }),
    title: z.string().openapi({ description: `1–${TASK_TITLE_MAX} characters`, example: 'Renew the passport' }),
    description: z
      .string()
      .openapi({ description: `0–${TASK_DESCRIPTION_MAX} characters`, example: 'Photos first, then the form' }),
    status: TaskStatusSchema,
    dueAt: time('Due date-time, or null', '2026-12-01T15:00:00.000Z').nullable(),
    remindBefore: RemindBeforeSchema,
    tags: z.array(z.string()).openapi({ description: 'Lower-case tags', example: ['docs', 'urgent'] }),
    commentCount: z.number().int().openapi({ description: 'Number of comments', example: 2 }),
    createdAt: time('Created', '2026-11-22T12:00:00.000Z'),
    updatedAt: time('Last changed', '2026-11-22T12:30:00.000Z'),
    warnings: z
      .array(TaskWarningSchema)
      .optional()
      .openapi({
        description:
          'Only in answers to POST /tasks and PATCH /tasks/{id}: what the change could not do, e.g. the ' +
          'assignee has not started the Telegram bot (assigned all the same; they follow the task over HTTP)',
      }),
  })
  .openapi('Task', {
    example: {
      id: '17',
      owner: { id: '42', username: 'ann_lee', firstName: 'Ann' },
      assignee: { id: '43', username: 'bob', firstName: 'Bob' },
      title: 'Renew the passport',
      description: 'Photos first, then the form',
      status: 'in_progress',
      dueAt: '2026-12-01T15:00:00.000Z',
      remindBefore: 'PT1H',
      tags: ['docs', 'urgent'],
      commentCount: 2,
      createdAt: '2026-11-22T12:00:00.000Z',
      updatedAt: '2026-11-22T12:30:00.000Z',
    },
  });

export const CommentAuthorSchema = z
  .object({
    id: id('User id', '42'),
    username: z.string().nullable().openapi({ example: 'ann_lee' }),
    firstName: z.string().nullable().openapi({ example: 'Ann' }),
  })
  .openapi('CommentAuthor');

export const CommentSchema = z
  .object({
    id: id('Comment id', '301'),
    taskId: id('Task id', '17'),
    author: CommentAuthorSchema,
    text: z.string().openapi({ description: `1–${COMMENT_TEXT_MAX} characters`, example: 'Booked for Monday' }),
    createdAt: time('Written', '2026-11-22T12:10:00.000Z'),
    editedAt: time('Last edited, or null', '2026-11-22T12:20:00.000Z').nullable(),
  })
  .openapi('Comment', {
    example: {
      id: '301',
      taskId: '17',
      author: { id: '42', username: 'ann_lee', firstName: 'Ann' },
      text: 'Booked for Monday',
      createdAt: '2026-11-22T12:10:00.000Z',
      editedAt: null,
    },
  });

const nextCursor = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as `cursor` for the next page; null on the last page', example: '12' });

export const TaskPageSchema = z.object({ items: z.array(TaskSchema), nextCursor }).openapi('TaskPage', {
  example: {
    items: [
      {
        id: '17',
        owner: { id: '42', username: 'ann_lee', firstName: 'Ann' },
        assignee: null,
        title: 'Renew the passport',
        description: '',
        status: 'todo',
        dueAt: null,
        remindBefore: null,
        tags: [],
        commentCount: 0,
        createdAt: '2026-11-22T12:00:00.000Z',
        updatedAt: '2026-11-22T12:00:00.000Z',
      },
    ],
    nextCursor: null,
  },
});

export const CommentPageSchema = z.object({ items: z.array(CommentSchema), nextCursor }).openapi('CommentPage', {
  example: {
    items: [
      {
        id: '301',
        taskId: '17',
        author: { id: '42', username: 'ann_lee', firstName: 'Ann' },
        text: 'Booked for Monday',
        createdAt: '2026-11-22T12:10:00.000Z',
        editedAt: null,
      },
    ],
    nextCursor: null,
  },
});

const title = z.string().openapi({
  minLength: 1,
  maxLength: TASK_TITLE_MAX,
  description: `1–${TASK_TITLE_MAX} characters (after trimming; runs of white space become one space)`,
  example: 'Renew the passport',
});
const description = z.string().openapi({
  maxLength: TASK_DESCRIPTION_MAX,
  description: `0–${TASK_DESCRIPTION_MAX} characters; line breaks are kept`,
  example: 'Photos first, then the form',
});
const dueAt = z.iso
  .datetime({ offset: true })
  .nullable()
  .openapi({
    description:
      'ISO 8601 date-time with `Z` or an offset (`2026-12-01T18:00:00+03:00`); must lie ahead. ' +
      'null: no due date. A reminder reaches your Telegram at that time (if notifications are on).',
    example: '2026-12-01T18:00:00+03:00',
  });
const assignee = z
  .string()
  .nullable()
  .openapi({
    description:
      'A username (with or without @) of the Gramdesk user to hand the task to; null: nobody. Not yourself, ' +
      'not a banned or unknown user (422, path `assignee`). The assignee sees the task, changes its status ' +
      'and comments; a user who never started the Telegram bot may be assigned (see `warnings`).',
    example: 'bob',
  });
const tags = z.array(z.string()).openapi({
  maxItems: TASK_TAGS_MAX,
  description:
    `Up to ${TASK_TAGS_MAX} tags of 1–${TASK_TAG_MAX} letters, digits, _ or -; ` +
    'a leading # is dropped, tags are lower-cased and duplicates removed',
  example: ['docs', 'urgent'],
});

export const CreateTaskSchema = z
  .strictObject({
    title,
    description: description.optional(),
    status: TaskStatusSchema.optional().openapi({ description: 'Default todo' }),
    dueAt: dueAt.optional(),
    remindBefore: RemindBeforeSchema.optional().openapi({ description: 'Default null (no advance reminder)' }),
    tags: tags.optional(),
    assignee: assignee.optional().openapi({ description: 'Default null. See UpdateTask.assignee' }),
  })
  .openapi('CreateTask', {
    description: 'Unknown fields are refused (422).',
    example: {
      title: 'Renew the passport',
      dueAt: '2026-12-01T18:00:00+03:00',
      remindBefore: 'P1D',
      tags: ['docs'],
    },
  });

export const UpdateTaskSchema = z
  .strictObject({
    title,
    description,
    status: TaskStatusSchema,
    dueAt,
    remindBefore: RemindBeforeSchema,
    tags,
    assignee,
  })
  .partial()
  .openapi('UpdateTask', {
    description:
      'Only the fields given change; `dueAt: null` clears the due date. Every field is checked before ' +
      'anything is stored: one invalid field changes nothing. The owner may change every field; the ' +
      'assignee only `status` (any other field answers 404, as for anyone else).',
    example: { status: 'done' },
  });

export const CommentTextSchema = z
  .strictObject({
    text: z.string().openapi({
      minLength: 1,
      maxLength: COMMENT_TEXT_MAX,
      description: `1–${COMMENT_TEXT_MAX} characters (after trimming)`,
      example: 'Booked for Monday',
    }),
  })
  .openapi('CommentText', { example: { text: 'Booked for Monday' } });

export type TaskDto = z.infer<typeof TaskSchema>;
export type CommentDto = z.infer<typeof CommentSchema>;

export const toTaskDto = (task: TaskView): TaskDto => ({
  id: task.id,
  owner: task.owner,
  assignee: task.assignee,
  title: task.title,
  description: task.description,
  status: task.status,
  dueAt: task.dueAt ? isoString(task.dueAt) : null,
  remindBefore: task.remindBefore,
  tags: task.tags,
  commentCount: task.commentCount,
  createdAt: isoString(task.createdAt),
  updatedAt: isoString(task.updatedAt),
});

export const toCommentDto = (comment: CommentView): CommentDto => ({
  id: comment.id,
  taskId: comment.taskId,
  author: { id: comment.author.id, username: comment.author.username, firstName: comment.author.firstName },
  text: comment.text,
  createdAt: isoString(comment.createdAt),
  editedAt: comment.editedAt ? isoString(comment.editedAt) : null,
});
