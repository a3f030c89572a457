import { createRouter } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
import { taskHandlers } from './handlers.js';
import * as routes from './routes.js';

/**
 * SPEC §3.4: the caller's tasks and their comments, over the same domain use cases as the bot
 * (validation, ownership, reminders, the comment cache, the version the bot's list checks).
 * Reads need `tasks:read`, changes `tasks:write`. Another user's task or comment is 404.
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function tasksApi(services: Services) {
  const auth = authenticate(services);
  const read = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'tasks:read');
  const write = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'tasks:write');
  const h = taskHandlers(services);

  return createRouter()
    .openapi(read(routes.listTasks), h.listTasks)
    .openapi(write(routes.createTask), h.createTask)
    .openapi(read(routes.getTask), h.getTask)
    .openapi(write(routes.updateTask), h.updateTask)
    .openapi(write(routes.deleteTask), h.deleteTask)
    .openapi(read(routes.listComments), h.listComments)
    .openapi(write(routes.addComment), h.addComment)
    .openapi(write(routes.editComment), h.editComment)
    .openapi(write(routes.deleteComment), h.deleteComment);
}
