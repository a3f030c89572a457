import type { RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import { listUsersAsAdmin, toAdminUserDto, updateUserAsAdmin } from '../admin.js';
import { afterAdminChange } from '../after-change.js';
import type * as routes from './routes.js';

export const listUsers: RouteHandler<typeof routes.listUsers, ApiEnv> = async (c) =>
  c.json(await listUsersAsAdmin(c.var.em, c.req.valid('query')), 200);

/** PATCH /admin/users/{id}: the change, then the same follow-up as the bot's. */
export function createPatchUserHandler(services: Services): RouteHandler<typeof routes.patchUser, ApiEnv> {
  return async (c) => {
    const change = await asValidation(() =>
      updateUserAsAdmin(c.var.em, c.var.principal.user, c.req.valid('param').id, c.req.valid('json')),
    );
    // The same follow-up as the bot's (../after-change.ts), through the services' Bot API client.
    await afterAdminChange({ ...services, api: services.telegram }, change);
    return c.json(toAdminUserDto(change.user), 200);
  };
}
