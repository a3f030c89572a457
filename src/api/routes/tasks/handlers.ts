import type { RouteHandler } from '@hono/zod-openapi';
import { DomainError } from '../../../domain/errors.js';
import * as comments from '../../../domain/tasks/comments.js';
import * as tasks from '../../../domain/tasks/tasks.js';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { ApiError, type FieldProblem } from '../../errors.js';
import { toCommentDto, toTaskDto } from '../../schemas/task.js';
import type * as routes from './routes.js';

/**
 * The domain reports a field it refused as `<field>_invalid` (`{field, reason, ...}` details),
 * which the bot turns into a localized hint. API clients get the one validation shape of the
 * zod checks instead: 422 validation_failed with `[{path, message}]`.
 */
export async function asValidation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError && err.status === 422 && err.code.endsWith('_invalid')) {
      const field = (err.details as { field?: unknown } | undefined)?.field;
      const problem: FieldProblem = {
        path: typeof field === 'string' ? field : err.code.slice(0, -'_invalid'.length),
        message: err.message,
      };
      throw new ApiError(422, 'validation_failed', 'The request is invalid', [problem]);
    }
    throw err;
  }
}

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

/** Thin handlers over domain/tasks: parse, call the use case, shape the answer. */
export function taskHandlers(services: Pick<Services, 'taskEffects' | 'commentCache'>): Handlers {
  const effects = services.taskEffects;
  const commentDeps = { cache: services.commentCache, effects };
  return {
    listTasks: async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await tasks.listTasks(c.var.em, c.var.principal.user, { status, limit, cursor });
      return c.json({ items: page.items.map(toTaskDto), nextCursor: page.nextCursor }, 200);
    },
    createTask: async (c) => {
      const body = c.req.valid('json');
      const task = await asValidation(() =>
        tasks.createTask(c.var.em, effects, c.var.principal.user, { ...body, dueAt: dueAt(body.dueAt) }),
      );
      return c.json(toTaskDto(tasks.toTaskView(task)), 201);
    },
    getTask: async (c) => {
      const task = await tasks.getOwnTask(c.var.em, c.var.principal.user, c.req.valid('param').id);
      return c.json(toTaskDto(tasks.toTaskView(task)), 200);
    },
    updateTask: async (c) => {
      const body = c.req.valid('json');
      const task = await asValidation(() =>
        tasks.updateTask(c.var.em, effects, c.var.principal.user, c.req.valid('param').id, {
          ...body,
          dueAt: dueAt(body.dueAt),
        }),
      );
      return c.json(toTaskDto(tasks.toTaskView(task)), 200);
    },
    deleteTask: async (c) => {
      await tasks.deleteTask(c.var.em, effects, c.var.principal.user, c.req.valid('param').id);
      return c.body(null, 204);
    },
    listComments: async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await comments.pageComments(c.var.em, c.var.principal.user, c.req.valid('param').id, {
        limit,
        cursor,
      });
      return c.json({ items: page.items.map(toCommentDto), nextCursor: page.nextCursor }, 200);
    },
    addComment: async (c) => {
      const { text } = c.req.valid('json');
      const comment = await asValidation(() =>
        comments.addComment(c.var.em, commentDeps, c.var.principal.user, c.req.valid('param').id, text),
      );
      return c.json(toCommentDto(comments.toCommentView(comment)), 201);
    },
    editComment: async (c) => {
      const { text } = c.req.valid('json');
      const { id, commentId } = c.req.valid('param');
      const comment = await asValidation(() =>
        comments.editComment(c.var.em, commentDeps, c.var.principal.user, id, commentId, text),
      );
      return c.json(toCommentDto(comments.toCommentView(comment)), 200);
    },
    deleteComment: async (c) => {
      const { id, commentId } = c.req.valid('param');
      await comments.deleteComment(c.var.em, commentDeps, c.var.principal.user, id, commentId);
      return c.body(null, 204);
    },
  };
}
