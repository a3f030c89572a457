import { createRouter } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
import { createPatchUserHandler, getStats, getUser, listAudit, listUsers } from './handlers.js';
import * as routes from './routes.js';

/**
 * SPEC §3.6 (admin users): list users and change their tags, role, ban, phone, operator code or time
 * zone; the audit log; the stats of §2.4. Admins only, every change audited. A service token needs the scope users:admin (by name, not through "*") and an admin `sub`.
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function adminApi(services: Services) {
  // users:admin and the admin role (scoped adds the role check to admin scopes).
  const auth = authenticate(services);
  return createRouter()
    .openapi(scoped(routes.listUsers, auth, 'users:admin'), listUsers)
    .openapi(scoped(routes.getUser, auth, 'users:admin'), getUser)
    .openapi(scoped(routes.patchUser, auth, 'users:admin'), createPatchUserHandler(services))
    .openapi(scoped(routes.listAudit, auth, 'users:admin'), listAudit)
    .openapi(scoped(routes.getStats, auth, 'users:admin'), getStats);
}
