import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  registerAuthRoutes,
  registerJwksRoutes,
  registerRegistrationRoute,
  registerTokenRoutes,
} from './features/accounts/index.js';
import { registerAdminRoutes } from './features/admin/index.js';
import { registerMessagesRoutes } from './features/chat/index.js';
import { registerMailingsRoutes } from './features/mailings/index.js';
import { registerTasksRoutes } from './features/tasks/index.js';
import { registerUsersRoutes } from './features/users/index.js';
import type { ApiEnv } from './platform/http/context.js';
import type { Services } from './platform/services.js';

/** Every feature router of the API, in the order they appear in the OpenAPI document. */
export function apiRoutes(services: Services): Array<(app: OpenAPIHono<ApiEnv>) => void> {
  return [
    registerRegistrationRoute(services),
    registerAuthRoutes(services),
    registerJwksRoutes(services),
    registerUsersRoutes(services),
    registerTokenRoutes(services),
    registerMessagesRoutes(services),
    registerTasksRoutes(services),
    registerMailingsRoutes(services),
    registerAdminRoutes(services),
  ];
}
