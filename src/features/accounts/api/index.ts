import type { OpenAPIHono } from '@hono/zod-openapi';
import { serviceTokenVerifierFor } from '../../../platform/auth/service-tokens.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import type { Services } from '../../../platform/services.js';
import { createLoginHandler, createRefreshHandler, logoutHandler } from './handlers.js';
import * as routes from './routes.js';

/**
 * Sessions of SPEC §3.1: POST /auth/login, /auth/refresh, /auth/logout.
 * (POST /auth/register lives in register.ts.)
 */
export function registerAuthRoutes(services: Services): (app: OpenAPIHono<ApiEnv>) => void {
  // Parse SERVICE_KEYS now, while the API is being built: a bad value stops the start with a
  // ConfigError naming it, instead of failing on the first service request.
  serviceTokenVerifierFor(services.config);
  return (app) => {
    app.openapi(routes.login, createLoginHandler(services));
    app.openapi(routes.refresh, createRefreshHandler(services));
    app.openapi(routes.logout, logoutHandler);
  };
}
