import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
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
    const read = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'tasks:read');
    const write = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'tasks:write');
    const h = taskHandlers(services);

    app.openapi(read(routes.listTasks), h.listTasks);
    app.openapi(write(routes.createTask), h.createTask);
    app.openapi(read(routes.getTask), h.getTask);
    app.openapi(write(routes.updateTask), h.updateTask);
    app.openapi(write(routes.deleteTask), h.deleteTask);
    app.openapi(read(routes.listComments), h.listComments);
    app.openapi(write(routes.addComment), h.addComment);
    app.openapi(write(routes.editComment), h.editComment);
    app.openapi(write(routes.deleteComment), h.deleteComment);
  };
}
