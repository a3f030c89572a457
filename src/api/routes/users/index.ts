import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { authenticate, requireScope } from '../../middlewares/auth.js';
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
    const read = [auth, requireScope('profile:read')];
    const write = [auth, requireScope('profile:write')];

    // Static /users/me routes first so they win over /users/{username}.
    app.openapi({ ...routes.getMe, middleware: read }, handlers.getMe);
    app.openapi({ ...routes.patchMe, middleware: write }, handlers.patchMe);
    app.openapi({ ...routes.putAvatar, middleware: write }, handlers.putAvatar);
    app.openapi({ ...routes.deleteAvatar, middleware: write }, handlers.deleteAvatar);
    app.openapi({ ...routes.getMyAvatar, middleware: read }, handlers.getMyAvatar);
    app.openapi({ ...routes.getAvatar, middleware: read }, handlers.getAvatar);
    app.openapi({ ...routes.getProfile, middleware: read }, handlers.getProfile);
    app.openapi({ ...routes.search, middleware: read }, handlers.search);
  };
}
