import { createRouter } from '../../../platform/http/openapi.js';
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
 * username search, and the people the caller blocked (../blocks.ts). Every route needs a token; reads need `profile:read`, changes
 * `profile:write` (a user's own token has both; a service token only if configured).
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function usersApi(services: Services, options: UsersRoutesOptions = {}) {
  const auth = authenticate(services, options.verifyService);
  const read = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'profile:read');
  const write = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'profile:write');

  return (
    createRouter()
      // Static /users/me routes first so they win over /users/{username}.
      .openapi(read(routes.getMe), handlers.getMe)
      .openapi(write(routes.patchMe), handlers.patchMe)
      .openapi(write(routes.putAvatar), handlers.putAvatar)
      .openapi(write(routes.deleteAvatar), handlers.deleteAvatar)
      .openapi(read(routes.getMyAvatar), handlers.getMyAvatar)
      .openapi(read(routes.listBlocked), handlers.listBlocked)
      .openapi(write(routes.blockUser), handlers.blockUser)
      .openapi(write(routes.unblockUser), handlers.unblockUser)
      .openapi(read(routes.getAvatar), handlers.getAvatar)
      .openapi(read(routes.getProfile), handlers.getProfile)
      .openapi(read(routes.search), handlers.search)
  );
}
