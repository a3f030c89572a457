import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../services.js';
import type { ApiEnv } from '../context.js';
import { registerAdminRoutes } from './admin/index.js';
import { registerAuthRoutes } from './auth/index.js';
import { registerRegistrationRoute } from './auth/register.js';
import { registerJwksRoutes } from './jwks/index.js';
import { registerMailingsRoutes } from './mailings/index.js';
import { registerMessagesRoutes } from './messages/index.js';
import { registerTasksRoutes } from './tasks/index.js';
import { registerTokenRoutes } from './token/index.js';
import { registerUsersRoutes } from './users/index.js';

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
