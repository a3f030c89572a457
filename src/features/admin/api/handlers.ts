import type { RouteHandler } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import { requestEm } from '../../../platform/http/request-scope.js';
import { asValidation } from '../../../platform/http/validation.js';
import type { Services } from '../../../platform/services.js';
import {
  adminStats,
  findUserById,
  listAuditAsAdmin,
  listUsersAsAdmin,
  toAdminUserDto,
  updateUserAsAdmin,
} from '../admin.js';
import { afterAdminChange } from '../after-change.js';
import type * as routes from './routes.js';

export const listUsers: RouteHandler<typeof routes.listUsers, ApiEnv> = async (c) =>
  c.json(await listUsersAsAdmin(requestEm(c), c.req.valid('query')), 200);

/** PATCH /admin/users/{id}: the change, then the same follow-up as the bot's. */
export function createPatchUserHandler(services: Services): RouteHandler<typeof routes.patchUser, ApiEnv> {
  return async (c) => {
    const change = await asValidation(() =>
      updateUserAsAdmin(requestEm(c), c.var.principal.user, c.req.valid('param').id, c.req.valid('json')),
    );
    // The same follow-up as the bot's (../after-change.ts), through the services' Bot API client.
    await afterAdminChange({ ...services, api: services.telegram }, change);
    return c.json(toAdminUserDto(change.user), 200);
  };
}

export const listAudit: RouteHandler<typeof routes.listAudit, ApiEnv> = async (c) =>
  c.json(await listAuditAsAdmin(requestEm(c), c.req.valid('query')), 200);

export const getStats: RouteHandler<typeof routes.getStats, ApiEnv> = async (c) =>
  c.json(await adminStats(requestEm(c)), 200);

export const getUser: RouteHandler<typeof routes.getUser, ApiEnv> = async (c) => {
  const user = await findUserById(requestEm(c), c.req.valid('param').id);
  if (!user) throw new ApiError(404, 'not_found', 'No such user');
  return c.json(toAdminUserDto(user), 200);
};
