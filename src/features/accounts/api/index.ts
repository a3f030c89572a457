import { serviceTokenVerifierFor } from '../../../platform/auth/service-tokens.js';
import { createRouter } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, requireUserToken } from '../../users/index.js';
import {
  createJwksHandler,
  createLinkTokenHandlers,
  createLoginHandler,
  createRefreshHandler,
  createRegisterHandler,
  logoutHandler,
} from './handlers.js';
import * as routes from './routes.js';

/**
 * Accounts over HTTP (SPEC §3.1, §3.3): registration, sessions (login, refresh, logout), the
 * public keys that verify access tokens, and the /token that links an account to Telegram.
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function accountsApi(services: Services) {
  // Parse SERVICE_KEYS now, while the API is being built: a bad value stops the start with a
  // ConfigError naming it, instead of failing on the first service request.
  serviceTokenVerifierFor(services.config);
  // A link token would attach the account to a Telegram chat: the user's own token only, no service.
  const userOnly = [authenticate(services), requireUserToken];
  const linkToken = createLinkTokenHandlers(services);

  return createRouter()
    .openapi(routes.register, createRegisterHandler(services))
    .openapi(routes.login, createLoginHandler(services))
    .openapi(routes.refresh, createRefreshHandler(services))
    .openapi(routes.logout, logoutHandler)
    .openapi(routes.jwks, createJwksHandler(services))
    .openapi({ ...routes.createLinkToken, middleware: userOnly }, linkToken.create)
    .openapi({ ...routes.getLinkToken, middleware: userOnly }, linkToken.get)
    .openapi({ ...routes.revokeLinkToken, middleware: userOnly }, linkToken.revoke);
}
