import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from './authenticate.js';
import * as handlers from './handlers.js';
import * as routes from './routes.js';

export interface UsersRoutesOptions {
  /** How trusted service tokens (SPEC §3.7) are verified; by default as `authenticate` does (SERVICE_KEYS). */
  verifyService?: Parameters<typeof authenticate>[1];
}

/**
 * SPEC §3.2: the caller's own profile and avatar, other users' public profiles and avatars,
 * and username search. Every route needs a token; reads need `profile:read`, changes
 * `profile:write` (a user's own token has both; a service token only if configured).
 */
export function registerUsersRoutes(
  services: Services,
  options: UsersRoutesOptions = {},
): (app: OpenAPIHono<ApiEnv>) => void {
  return (app) => {
    const auth = authenticate(services, options.verifyService);
    const read = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'profile:read');
    const write = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'profile:write');

    // Static /users/me routes first so they win over /users/{username}.
    app.openapi(read(routes.getMe), handlers.getMe);
    app.openapi(write(routes.patchMe), handlers.patchMe);
    app.openapi(write(routes.putAvatar), handlers.putAvatar);
    app.openapi(write(routes.deleteAvatar), handlers.deleteAvatar);
    app.openapi(read(routes.getMyAvatar), handlers.getMyAvatar);
    app.openapi(read(routes.getAvatar), handlers.getAvatar);
    app.openapi(read(routes.getProfile), handlers.getProfile);
    app.openapi(read(routes.search), handlers.search);
  };
}
