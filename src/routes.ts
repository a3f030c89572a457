import type { OpenAPIHono } from '@hono/zod-openapi';
import { accountsApi } from './features/accounts/index.js';
import { adminApi } from './features/admin/index.js';
import { type ChatGateway, chatApi } from './features/chat/index.js';
import { mailingsApi } from './features/mailings/index.js';
import { tasksApi } from './features/tasks/index.js';
import { usersApi } from './features/users/index.js';
import type { ApiEnv } from './platform/http/context.js';
import { createRouter } from './platform/http/openapi.js';
import type { Services } from './platform/services.js';

export interface ApiRouterOptions {
  /** The chat's WebSocket gateway of this process (API role); GET /ws hands its upgrades to it. */
  chatGateway?: ChatGateway;
}

/**
 * Every feature router of the API, in the order they appear in the OpenAPI document. Chained
 * (each `.route` returns a new type), so `AppType` below carries every route, its input and
 * its responses.
 */
export function apiRouter(services: Services, options: ApiRouterOptions = {}) {
  return createRouter()
    .route('/', accountsApi(services))
    .route('/', usersApi(services))
    .route('/', chatApi(services, { gateway: options.chatGateway }))
    .route('/', tasksApi(services))
    .route('/', mailingsApi(services))
    .route('/', adminApi(services));
}

/**
 * The type of the feature API, for a typed client: `hc<AppType>(baseUrl)` from 'hono/client'
 * (test/platform/app-type.test.ts). Health, docs and the webhook are the platform's and not in it.
 */
export type AppType = ReturnType<typeof apiRouter>;

/** The feature API as one of createApi's `routes` (tests add routers of their own beside it). */
export function apiRoutes(
  services: Services,
  options: ApiRouterOptions = {},
): Array<(app: OpenAPIHono<ApiEnv>) => void> {
  const router = apiRouter(services, options);
  return [
    (app) => {
      app.route('/', router);
    },
  ];
}
