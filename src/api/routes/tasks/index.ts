import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { authenticate, requireScope } from '../../middlewares/auth.js';
import { taskHandlers } from './handlers.js';
import * as routes from './routes.js';

/**
 * SPEC §3.4: the caller's tasks and their comments, over the same domain use cases as the bot
 * (validation, ownership, reminders, the comment cache, the version the bot's list checks).
 * Reads need `tasks:read`, changes `tasks:write`. Another user's task or comment is 404.
 */
export function registerTasksRoutes(services: Services): (app: OpenAPIHono<ApiEnv>) => void {
  return (app) => {
    const auth = authenticate(services);
    const read = [auth, requireScope('tasks:read')];
    const write = [auth, requireScope('tasks:write')];
    const h = taskHandlers(services);

    app.openapi({ ...routes.listTasks, middleware: read }, h.listTasks);
    app.openapi({ ...routes.createTask, middleware: write }, h.createTask);
    app.openapi({ ...routes.getTask, middleware: read }, h.getTask);
    app.openapi({ ...routes.updateTask, middleware: write }, h.updateTask);
    app.openapi({ ...routes.deleteTask, middleware: write }, h.deleteTask);
    app.openapi({ ...routes.listComments, middleware: read }, h.listComments);
    app.openapi({ ...routes.addComment, middleware: write }, h.addComment);
    app.openapi({ ...routes.editComment, middleware: write }, h.editComment);
    app.openapi({ ...routes.deleteComment, middleware: write }, h.deleteComment);
  };
}
