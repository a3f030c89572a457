import type { RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { requestDb, requestEm } from '../../../platform/http/request-scope.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import * as comments from '../comments.js';
import { listTasks } from '../lists.js';
import type { Task } from '../task.entities.js';
import * as tasks from '../tasks.js';
import type * as routes from './routes.js';
import { toCommentDto, toTaskDto } from './schemas.js';

export { asValidation };

const dueAt = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

type RouteName =
  | 'listTasks'
  | 'createTask'
  | 'getTask'
  | 'updateTask'
  | 'deleteTask'
  | 'listComments'
  | 'addComment'
  | 'editComment'
  | 'deleteComment';
type Handlers = { [K in RouteName]: RouteHandler<(typeof routes)[K], ApiEnv> };

/**
 * The task, and what an assignment given in this request could not do: someone who never started
 * the bot is assigned all the same, but the owner learns they will get no Telegram notices.
 */
function withWarnings(task: Task, assignee: string | null | undefined) {
  const dto = toTaskDto(tasks.toTaskView(task));
  if (assignee == null || !task.assignee || task.assignee.telegramId != null) return dto;
  const name = task.assignee.username ?? task.assignee.id;
  return {
    ...dto,
    warnings: [
      {
        code: 'assignee_not_in_telegram' as const,
        message: `${name} has not started the Telegram bot: no Telegram notices or reminders`,
      },
    ],
  };
}

/** Thin handlers over domain/tasks: parse, call the use case, shape the answer. */
export function taskHandlers(services: Pick<Services, 'taskEffects' | 'commentCache' | 'limiter'>): Handlers {
  const effects = services.taskEffects;
  const writeDeps = { effects, limiter: services.limiter };
  const commentDeps = { cache: services.commentCache, effects, limiter: services.limiter };
  return {
    listTasks: async (c) => {
      const { status, scope, q, limit, cursor } = c.req.valid('query');
      const page = await listTasks(requestDb(c), { id: c.var.principal.userId }, { status, scope, q, limit, cursor });
      return c.json({ items: page.items.map(toTaskDto), nextCursor: page.nextCursor }, 200);
    },
    createTask: async (c) => {
      const body = c.req.valid('json');
      const task = await asValidation(() =>
        tasks.createTask(requestEm(c), writeDeps, c.var.principal.user, { ...body, dueAt: dueAt(body.dueAt) }),
      );
      return c.json(withWarnings(task, body.assignee), 201);
    },
    getTask: async (c) => {
      const task = await tasks.getVisibleTask(requestEm(c), { id: c.var.principal.userId }, c.req.valid('param').id);
      return c.json(toTaskDto(tasks.toTaskView(task)), 200);
    },
    updateTask: async (c) => {
      const body = c.req.valid('json');
      const task = await asValidation(() =>
        tasks.updateTask(requestEm(c), effects, c.var.principal.user, c.req.valid('param').id, {
          ...body,
          dueAt: dueAt(body.dueAt),
        }),
      );
      return c.json(withWarnings(task, body.assignee), 200);
    },
    deleteTask: async (c) => {
      await tasks.deleteTask(requestEm(c), effects, c.var.principal.user, c.req.valid('param').id);
      return c.body(null, 204);
    },
    listComments: async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await comments.pageComments(requestEm(c), { id: c.var.principal.userId }, c.req.valid('param').id, {
        limit,
        cursor,
      });
      return c.json({ items: page.items.map(toCommentDto), nextCursor: page.nextCursor }, 200);
    },
    addComment: async (c) => {
      const { text } = c.req.valid('json');
      const comment = await asValidation(() =>
        comments.addComment(requestEm(c), commentDeps, c.var.principal.user, c.req.valid('param').id, text),
      );
      return c.json(toCommentDto(comments.toCommentView(comment)), 201);
    },
    editComment: async (c) => {
      const { text } = c.req.valid('json');
      const { id, commentId } = c.req.valid('param');
      const comment = await asValidation(() =>
        comments.editComment(requestEm(c), commentDeps, c.var.principal.user, id, commentId, text),
      );
      return c.json(toCommentDto(comments.toCommentView(comment)), 200);
    },
    deleteComment: async (c) => {
      const { id, commentId } = c.req.valid('param');
      await comments.deleteComment(requestEm(c), commentDeps, c.var.principal.user, id, commentId);
      return c.body(null, 204);
    },
  };
}
