import type { OpenAPIHono, RouteHandler } from '@hono/zod-openapi';
import { syncAdminCommands } from '../../../bot/commands.js';
import { bannedNoticeKey, listUsersAsAdmin, toAdminUserDto, updateUserAsAdmin } from '../../../domain/admin.js';
import type { Services } from '../../../services.js';
import type { ApiEnv } from '../../context.js';
import { authenticate, requireAdmin } from '../../middlewares/auth.js';
import { asValidation } from '../tasks/handlers.js';
import * as routes from './routes.js';

/** SPEC §3.6 (admin users): list users and change their tags, role or ban; admins only, every change audited. */
export function registerAdminRoutes(services: Services): (app: OpenAPIHono<ApiEnv>) => void {
  const listUsers: RouteHandler<typeof routes.listUsers, ApiEnv> = async (c) =>
    c.json(await listUsersAsAdmin(c.var.em, c.req.valid('query')), 200);

  const patchUser: RouteHandler<typeof routes.patchUser, ApiEnv> = async (c) => {
    const change = await asValidation(() =>
      updateUserAsAdmin(c.var.em, c.var.principal.user, c.req.valid('param').id, c.req.valid('json')),
    );
    if (change.unbanned) await services.redis.del(bannedNoticeKey(services.keyPrefix, change.user.id));
    if (change.roleChanged) {
      // The admin commands appear or disappear in the user's chat; Telegram being down does not undo the change.
      await syncAdminCommands(services.telegram, services.translator, change.user).catch((err) =>
        services.log.warn({ err: err instanceof Error ? err.message : err }, 'could not update the admin commands'),
      );
    }
    return c.json(toAdminUserDto(change.user), 200);
  };

  return (app) => {
    const admin = [authenticate(services), requireAdmin];
    app.openapi({ ...routes.listUsers, middleware: admin }, listUsers);
    app.openapi({ ...routes.patchUser, middleware: admin }, patchUser);
  };
}
