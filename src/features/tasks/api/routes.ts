import { createRoute, z } from '@hono/zod-openapi';
import { BEARER_AUTH, ErrorSchema, errorResponses, ValidationErrorSchema } from '../../../platform/http/openapi.js';
import { pageLimitQuery } from '../../../platform/http/pagination.js';
import { ASSIGNMENTS_IN_FULL } from '../jobs/notices.js';
import { isCursorFor, parseCursor, SEARCH_WORDS_MAX, TASK_SCOPES } from '../lists.js';
import { TASK_STATUSES } from '../task.entities.js';
import { WRITE_LIMITS } from '../tasks.js';
import {
  CommentPageSchema,
  CommentSchema,
  CommentTextSchema,
  CreateTaskSchema,
  TaskPageSchema,
  TaskSchema,
  UpdateTaskSchema,
} from './schemas.js';

/**
 * SPEC §3.4. Types and shapes only; authentication and scopes are attached where the routes are
 * registered (index.ts), since they need the services. Reads need `tasks:read`, changes
 * `tasks:write` (a user's own token has both; a service token only if configured).
 *
 * Ids in paths are plain strings on purpose: an id that is not a number answers 404 like an
 * unknown one or another user's, so probing tells nothing.
 */

const tags = ['Tasks'];
const security = [{ [BEARER_AUTH]: [] }];

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const errorExample = (code: string, message: string) => ({ error: { code, message } });

/** The common error responses, with descriptions and examples fitting these routes. */
function errors<S extends 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429>(
  statuses: S[],
  overrides: {
    404?: string;
    422?: { description: string; path: string; message: string };
    429?: { description: string; message: string; limit: number };
  } = {},
) {
  const base = errorResponses(...statuses) as Record<
    number,
    { description: string; headers?: object; content: object }
  >;
  const examples: Record<number, { description?: string; example: unknown }> = {
    400: { example: errorExample('invalid_json', 'The request body is not valid JSON') },
    401: { example: errorExample('unauthorized', 'A valid access token is required') },
    403: { example: errorExample('insufficient_scope', 'This token lacks the scope tasks:write') },
    404: {
      description: overrides[404] ?? 'No such task: unknown, not a number, or another user’s (not_found)',
      example: errorExample('not_found', 'No such task'),
    },
    413: { example: errorExample('payload_too_large', 'The request body is larger than 1048576 bytes') },
    415: { example: errorExample('unsupported_media_type', 'Unsupported Media Type') },
    422: {
      description: overrides[422]?.description,
      example: {
        error: {
          code: 'validation_failed',
          message: 'The request is invalid',
          details: [
            { path: overrides[422]?.path ?? 'title', message: overrides[422]?.message ?? 'The title is empty' },
          ],
        },
      },
    },
    429: {
      description: overrides[429]?.description,
      example: {
        error: {
          code: 'rate_limited',
          message: overrides[429]?.message ?? 'Too many requests',
          details: { retryAfter: 42, limit: overrides[429]?.limit },
        },
      },
    },
  };
  const out: Record<number, unknown> = {};
  for (const status of statuses) {
    const entry = base[status];
    const extra = examples[status];
    out[status] = {
      description: extra?.description ?? entry?.description,
      ...(entry?.headers ? { headers: entry.headers } : {}),
      content: {
        'application/json': { schema: status === 422 ? ValidationErrorSchema : ErrorSchema, example: extra?.example },
      },
    };
  }
  return out as ReturnType<typeof errorResponses<S>>;
}

const taskIdParam = z.string().openapi({
  param: { name: 'id', in: 'path' },
  description: 'Task id (from `id` of a Task)',
  example: '17',
});
const commentIdParam = z.string().openapi({
  param: { name: 'commentId', in: 'path' },
  description: 'Comment id (from `id` of a Comment)',
  example: '301',
});
const TaskParams = z.object({ id: taskIdParam });
const CommentParams = z.object({ id: taskIdParam, commentId: commentIdParam });

const limit = pageLimitQuery;
// A string that is no cursor at all stops the checks (abort): the list's own check (the same status)
// would only repeat the reason.
const cursor = z
  .string()
  .refine((value) => parseCursor(value) !== null, { message: 'Not a cursor returned by this endpoint', abort: true })
  .optional()
  .openapi({ description: '`nextCursor` of the previous page (the same query otherwise)', example: '12' });
const commentCursor = z
  .string()
  .refine((value) => parseCursor(value)?.byDue === false, { message: 'Not a cursor returned by this endpoint' })
  .optional()
  .openapi({ description: '`nextCursor` of the previous page', example: '12' });

export const SEARCH_QUERY_MAX = 200;

const ListTasksQuery = z
  .strictObject({
    status: z
      .enum([...TASK_STATUSES, 'open'])
      .optional()
      .openapi({
        description:
          'Only tasks with this status; `open` = todo or in_progress. Default: all. `open` comes in ' +
          'due-date order (overdue first, undated last); the other lists newest first',
        example: 'open',
      }),
    scope: z
      .enum(TASK_SCOPES)
      .optional()
      .openapi({
        description:
          'Whose tasks: `mine` (you own them, assigned or not), `assigned` (others assigned them to you), ' +
          '`all` (both; the default)',
        example: 'assigned',
      }),
    q: z
      .string()
      .trim()
      .min(1)
      .max(SEARCH_QUERY_MAX)
      .optional()
      .openapi({
        description:
          `Words of the title (case-insensitive, any order, parts of words too; up to ${SEARCH_WORDS_MAX} words ` +
          `are used): only tasks whose title has every one, e.g. \`q=pass renew\``,
        example: 'passport',
      }),
    limit,
    cursor,
  })
  .refine((query) => query.cursor === undefined || isCursorFor(query.cursor, query.status), {
    path: ['cursor'],
    message: 'Not a cursor of this list (pass the same status as for the previous page)',
  });
const ListCommentsQuery = z.strictObject({ limit, cursor: commentCursor });

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const badTask = {
  description:
    'Invalid: wrong types, unknown fields, or the limits (title 1–200, description ≤ 4000, ≤ 10 tags of ≤ 32, ' +
    'due date not in the past, remindBefore null, PT1H or P1D) (validation_failed)',
  path: 'title',
  message: 'The title is longer than 200 characters',
};

export const listTasks = createRoute({
  method: 'get',
  path: '/tasks',
  operationId: 'listTasks',
  tags,
  security,
  summary: 'Your tasks and those assigned to you: open ones by due date, the others newest first; search by title',
  description:
    'Your own tasks and those others assigned to you (`scope`), a page at a time: pass ' +
    '`nextCursor` as `cursor` for the next page (with the same `status`, `scope` and `q`). Open tasks (`status=open`) come in due-date order: overdue ' +
    'first, then by due date, undated last (newest first among equals); the other lists newest first. ' +
    '`q` keeps the tasks whose title has every word of it.',
  request: { query: ListTasksQuery },
  responses: {
    200: json(TaskPageSchema, 'A page of tasks'),
    ...errors([401, 403, 422], {
      422: {
        description: 'Bad status, q (empty or over 200 characters), limit or cursor (validation_failed)',
        path: 'limit',
        message: 'Too big',
      },
    }),
  },
});

/** What an assignee may refuse, and how a burst of assignments reaches them (both routes that assign). */
const ASSIGNING =
  'Someone who blocked you cannot be assigned your tasks (422 on `assignee`: “@x does not accept tasks from ' +
  `you”). The first ${ASSIGNMENTS_IN_FULL} tasks you hand to (or take back from) one person within a minute ` +
  'reach their Telegram one by one; the rest of that minute come as one summary (“assigned you N more tasks”).';

const TASKS_PER_MINUTE = WRITE_LIMITS.task.count;
const COMMENTS_PER_MINUTE = WRITE_LIMITS.comment.count;

export const createTask = createRoute({
  method: 'post',
  path: '/tasks',
  operationId: 'createTask',
  tags,
  security,
  summary: 'Create a task',
  description:
    'The same rules as the bot’s New task dialog. With `dueAt`, a reminder with ' +
    'Done, Snooze and Open buttons reaches your Telegram at that time, once, if notifications are on; with ' +
    '`remindBefore` also one an hour (`PT1H`) or a day (`P1D`) before (none once that moment has passed). The bot shows the task at its next screen. ' +
    'With `assignee`, the task is handed to that user at once: they are told (WebSocket or Telegram), see it ' +
    `and get its reminders. ${ASSIGNING} ` +
    `At most ${TASKS_PER_MINUTE} new tasks per user per minute (bot and API together): beyond, 429 ` +
    '`rate_limited` with `Retry-After` (also `details.retryAfter`, in seconds) and nothing is created.',
  request: { body: jsonBody(CreateTaskSchema) },
  responses: {
    201: json(TaskSchema, 'Created'),
    ...errors([400, 401, 403, 413, 415, 422, 429], {
      422: badTask,
      429: {
        description: `Over ${TASKS_PER_MINUTE} new tasks in the current minute (rate_limited); retry after Retry-After`,
        message: `At most ${TASKS_PER_MINUTE} new tasks per minute`,
        limit: TASKS_PER_MINUTE,
      },
    }),
  },
});

export const getTask = createRoute({
  method: 'get',
  path: '/tasks/{id}',
  operationId: 'getTask',
  tags,
  security,
  summary: 'One of your tasks, or one assigned to you',
  description: 'The owner and the assignee see a task; anyone else gets 404.',
  request: { params: TaskParams },
  responses: { 200: json(TaskSchema, 'The task'), ...errors([401, 403, 404]) },
});

export const updateTask = createRoute({
  method: 'patch',
  path: '/tasks/{id}',
  operationId: 'updateTask',
  tags,
  security,
  summary: 'Change a task',
  description:
    'Any subset of the fields; `dueAt: null` clears the due date. A new due date ' +
    'moves the reminders (and each comes once for it); status `done` drops them; `remindBefore` sets or ' +
    '(null) removes the advance reminder. The owner may change everything, and (re)assign the task ' +
    '(`assignee`: a username, or null to take it back; the new and the former assignee are told); the ' +
    'assignee may change `status` only (anything else is 404, as for anyone else). A status change tells ' +
    `the other participant (at most one notice per task per minute). ${ASSIGNING}`,
  request: { params: TaskParams, body: jsonBody(UpdateTaskSchema) },
  responses: {
    200: json(TaskSchema, 'The changed task'),
    ...errors([400, 401, 403, 404, 413, 415, 422], { 422: badTask }),
  },
});

export const deleteTask = createRoute({
  method: 'delete',
  path: '/tasks/{id}',
  operationId: 'deleteTask',
  tags,
  security,
  summary: 'Delete a task',
  description: 'Only the owner may (the assignee gets 404). Its comments and reminder go with it.',
  request: { params: TaskParams },
  responses: { 204: { description: 'Deleted' }, ...errors([401, 403, 404]) },
});

export const listComments = createRoute({
  method: 'get',
  path: '/tasks/{id}/comments',
  operationId: 'listComments',
  tags,
  security,
  summary: 'Comments of a task, oldest first',
  description: 'Oldest first, a page at a time (`nextCursor` → `cursor`); only the page is read.',
  request: { params: TaskParams, query: ListCommentsQuery },
  responses: {
    200: json(CommentPageSchema, 'A page of comments'),
    ...errors([401, 403, 404, 422], {
      422: { description: 'Bad limit or cursor (validation_failed)', path: 'cursor', message: 'Not a cursor' },
    }),
  },
});

const badComment = {
  description: 'Invalid: wrong types, unknown fields, empty or longer than 2000 characters (validation_failed)',
  path: 'text',
  message: 'The comment is empty',
};

export const addComment = createRoute({
  method: 'post',
  path: '/tasks/{id}/comments',
  operationId: 'addComment',
  tags,
  security,
  summary: 'Comment on a task',
  description:
    'The owner and the assignee may; the other one is told (at most one notice per task per minute), unless ' +
    `they blocked you. At most ${COMMENTS_PER_MINUTE} new comments per user per minute (bot and API together): ` +
    'beyond, 429 `rate_limited` with `Retry-After` (also `details.retryAfter`, in seconds) and nothing is added.',
  request: { params: TaskParams, body: jsonBody(CommentTextSchema) },
  responses: {
    201: json(CommentSchema, 'Added'),
    ...errors([400, 401, 403, 404, 413, 415, 422, 429], {
      422: badComment,
      429: {
        description: `Over ${COMMENTS_PER_MINUTE} new comments in the current minute (rate_limited); retry after Retry-After`,
        message: `At most ${COMMENTS_PER_MINUTE} comments per minute`,
        limit: COMMENTS_PER_MINUTE,
      },
    }),
  },
});

const commentNotFound =
  'No such comment on this task, or not yours: only its author edits or deletes a comment; ' +
  'other users’ tasks are not found either (not_found)';

export const editComment = createRoute({
  method: 'patch',
  path: '/tasks/{id}/comments/{commentId}',
  operationId: 'editComment',
  tags,
  security,
  summary: 'Edit your comment',
  description: 'Only the comment’s author may; `editedAt` is set.',
  request: { params: CommentParams, body: jsonBody(CommentTextSchema) },
  responses: {
    200: json(CommentSchema, 'The edited comment'),
    ...errors([400, 401, 403, 404, 413, 415, 422], { 404: commentNotFound, 422: badComment }),
  },
});

export const deleteComment = createRoute({
  method: 'delete',
  path: '/tasks/{id}/comments/{commentId}',
  operationId: 'deleteComment',
  tags,
  security,
  summary: 'Delete your comment',
  description: 'Only the comment’s author may.',
  request: { params: CommentParams },
  responses: { 204: { description: 'Deleted' }, ...errors([401, 403, 404], { 404: commentNotFound }) },
});
