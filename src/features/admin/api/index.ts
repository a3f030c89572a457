import type { OpenAPIHono, RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import { closeUserSockets } from '../../chat/index.js';
import { authenticate, scoped } from '../../users/index.js';
import { bannedNoticeKey, listUsersAsAdmin, toAdminUserDto, updateUserAsAdmin } from '../admin.js';
import { syncAdminCommands } from '../bot/command-lists.js';
import * as routes from './routes.js';

/**
 * SPEC §3.6 (admin users): list users and change their tags, role or ban; admins only, every change
 * audited. A service token needs the scope users:admin (by name, not through "*") and an admin `sub`.
 */
export function registerAdminRoutes(services: Services): (app: OpenAPIHono<ApiEnv>) => void {
  const listUsers: RouteHandler<typeof routes.listUsers, ApiEnv> = async (c) =>
    c.json(await listUsersAsAdmin(c.var.em, c.req.valid('query')), 200);

  const patchUser: RouteHandler<typeof routes.patchUser, ApiEnv> = async (c) => {
    const change = await asValidation(() =>
      updateUserAsAdmin(c.var.em, c.var.principal.user, c.req.valid('param').id, c.req.valid('json')),
    );
    if (change.unbanned) await services.redis.del(bannedNoticeKey(services.keyPrefix, change.user.id));
    // The ban is committed; the user's open WebSockets on every API process close now (SPEC §3.5).
    // Redis failing here does not undo the ban: such a socket is still refused at its next frame.
    if (change.banned) {
      await closeUserSockets(services.redis, services.keyPrefix, change.user.id, 'banned').catch((err) =>
        services.log.warn(
          { err: err instanceof Error ? err.message : err },
          'could not close the banned user’s sockets',
        ),
      );
    }
    if (change.roleChanged) {
      // The admin commands appear or disappear in the user's chat; Telegram being down does not undo the change.
      await syncAdminCommands(services.telegram, services.translator, change.user).catch((err) =>
        services.log.warn({ err: err instanceof Error ? err.message : err }, 'could not update the admin commands'),
      );
    }
    return c.json(toAdminUserDto(change.user), 200);
  };

  return (app) => {
    // users:admin and the admin role (scoped adds the role check to admin scopes).
    const auth = authenticate(services);
    app.openapi(scoped(routes.listUsers, auth, 'users:admin'), listUsers);
    app.openapi(scoped(routes.patchUser, auth, 'users:admin'), patchUser);
  };
}
