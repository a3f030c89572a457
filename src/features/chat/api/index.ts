import type { ServiceScope } from '../../../platform/auth/service-tokens.js';
import { createRouter } from '../../../platform/http/openapi.js';
import { REQUIRED_SCOPE } from '../../../platform/http/scopes.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
import type { ChatGateway } from '../ws/gateway.js';
import { createOpenSocketHandler, createSendMessageHandler, listMessages } from './handlers.js';
import * as routes from './routes.js';

export interface ChatApiOptions {
  /** This process's WebSocket gateway, which takes over GET /ws once the route accepted it. */
  gateway?: ChatGateway;
}

/**
 * SPEC §3.5: /messages (the echo of seed 000, private messages, history) and GET /ws, the
 * WebSocket, behind the same authentication as every route (`?token=` accepted there only).
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function chatApi(services: Services, options: ChatApiOptions = {}) {
  const auth = authenticate(services);
  // The scope each route documents (x-required-scope in routes.ts) is the one its guard checks.
  const guarded = <R extends Parameters<typeof scoped>[0] & { [REQUIRED_SCOPE]: ServiceScope }>(route: R) =>
    scoped(route, auth, route[REQUIRED_SCOPE]);
  // Browsers cannot set headers on a WebSocket, hence ?token=; service tokens have no socket.
  const socketAuth = authenticate(services, null, { queryToken: true });

  return createRouter()
    .openapi(guarded(routes.sendMessage), createSendMessageHandler(services))
    .openapi(guarded(routes.listMessages), listMessages)
    .openapi({ ...routes.openChatSocket, middleware: [socketAuth] }, createOpenSocketHandler(options.gateway));
}
